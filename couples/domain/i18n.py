"""Lazy sentences with their values filled in when they are shown.

A message defined at import time (a form's label, help text or error) must be
translated when it is rendered, in the viewer's language, not when the module
is loaded; ``%`` on a lazy translation would translate it at once. These keep
the whole sentence one msgid with named placeholders.
"""

from django.utils.functional import lazy


def _format(message, values):
    return str(message) % {name: str(value) for name, value in values.items()}


def _fill(message, name, value):
    return str(message).replace(f"%({name})s", str(value))


def _lower(text):
    return str(text).lower()


lazy_format = lazy(lambda message, **values: _format(message, values), str)
"""``lazy_format(gettext_lazy("… %(name)s …"), name=...)``: translated and filled
in at render time (values may be lazy too)."""

fill_lazy = lazy(_fill, str)
"""One ``%(name)s`` placeholder filled in at render time; the others (``%(limit_value)d``)
are left for Django's validation message to fill."""

lower_lazy = lazy(_lower, str)
"""A lazy text, lower-cased once translated ("Evening" → "evening", "Tarde" → "tarde")."""


def _soft_hyphens(text):
    return str(text).replace("|", "\u00ad")


soft_hyphen_lazy = lazy(_soft_hyphens, str)
"""A lazy text with ``|`` where a word may break (a soft hyphen), so each language
marks its own break point: "Some|times" → "Some\u00adtimes"."""
