"""A login from a new device: a mail to the account's own address.

"New" means: this browser has not logged in to this account before. A browser
that has is recognised by a long-lived signed cookie (``cg_known``) holding a
keyed hash of each account that logged in with it (at most a few): no device
fingerprint, no list of devices kept on the server, nothing another site or
the partner can read. The alternatives were weighed in docs/decisions.md: the
``UserSession`` rows forget a browser at its logout (every login after a logout
would be "new"), and a browser's description is shared by millions.

Signing up marks the browser without a mail (the account is new, so is the device).
Clearing cookies or a private window makes the next login "new": a mail too
many is better than a login from elsewhere unsaid.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing

COOKIE = "cg_known"
SALT = "accounts.new_device"
MAX_AGE = 60 * 60 * 24 * 400  # about a year (browsers cap cookies at 400 days)
MAX_ACCOUNTS = 5  # a shared family computer: a few accounts, never a growing list


def _mark(user):
    key = hashlib.sha256((settings.SECRET_KEY + SALT).encode()).digest()
    return hmac.new(key, str(user.pk).encode(), hashlib.sha256).hexdigest()[:20]


def _known(request):
    try:
        marks = request.get_signed_cookie(COOKIE, salt=SALT, max_age=MAX_AGE).split(".")
    except (KeyError, signing.BadSignature, ValueError):
        return []
    return [mark for mark in marks if mark]


def after_login(request, response, user, *, signup):
    """Mail the person if this browser is new to their account; mark it either way."""
    from allauth.account.adapter import get_adapter

    from .devices import device_name

    known = _known(request)
    mark = _mark(user)
    if mark not in known and not signup:
        get_adapter(request).send_notification_mail(
            "account/email/login_new_device",
            user,
            {"device": device_name(request.META.get("HTTP_USER_AGENT", ""))},
        )
    return remember(response, request, user, known=known)


def remember(response, request, user, *, known=None):
    """Mark this browser as known to ``user``'s account (on ``response``)."""
    known = _known(request) if known is None else known
    mark = _mark(user)
    marks = [mark] + [other for other in known if other != mark]
    response.set_signed_cookie(
        COOKIE,
        ".".join(marks[:MAX_ACCOUNTS]),
        salt=SALT,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
