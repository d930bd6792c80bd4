"""Strict readers of the environment, for config/settings.py and deploy/gunicorn.conf.py.

A value these do not understand stops the process with ``ImproperlyConfigured``
naming the variable: ``SECURE_SSL_REDIRECT=ture`` must never quietly mean off.
The error never repeats the value (a secret pasted into the wrong variable must
not reach a log).
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


def _raw(name):
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def env_str(name, default="", *, choices=None):
    """The variable as text; with ``choices``, one of them exactly or an error."""
    value = os.environ.get(name, default)
    if choices is not None and value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(sorted(choices))} (it is set to something else)."
        )
    return value


def env_bool(name, default=False):
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (also yes/no, on/off, 1/0); it is set to something else."
    )


def env_int(name, default, *, minimum=0):
    """A whole number of at least ``minimum`` (every number configured here
    counts or measures something, so none is negative)."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}.")
    return number


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
