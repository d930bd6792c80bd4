"""Each person's own language (docs/decisions.md, "Languages").

``User.language`` is one of ``settings.LANGUAGES`` or blank: blank follows the
browser (Django's ``LocaleMiddleware``: the language cookie, then
``Accept-Language``). ``UserLanguageMiddleware`` (after authentication) puts the
signed-in person's own choice over the browser's. Whatever is rendered for a
person outside their own request (a live frame for each member, a mail, a push
notification) is rendered ``with as_person(person):`` — their time zone and
their language together, so neither is ever forgotten without the other.
"""

import contextlib
import contextvars

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

from .timezones import in_zone_of, signed_in_person


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def language_of(person) -> str | None:
    """The person's chosen language; ``None`` when they follow their browser
    (or for anyone without one)."""
    code = getattr(person, "language", "") or ""
    return code if code in language_codes() else None


# Whose request this is (set by UserLanguageMiddleware): the one person whose
# browser we can ask right now.
_requester = contextvars.ContextVar("language_requester", default=None)


@contextlib.contextmanager
def in_language_of(person, *, browser: str | None = None):
    """``with in_language_of(person):`` — their language. Someone who follows
    their browser gets what their browser asks for (in their own request, or
    ``browser`` when the caller read it, e.g. from their socket), and the site's
    default anywhere else (a frame for the partner, a mail, a task: no browser
    to ask there)."""
    code = language_of(person)
    pk = getattr(person, "pk", None)
    if code is None and browser in language_codes():
        # Theirs is now the active language: nested renders for them keep it.
        with translation.override(browser):
            token = _requester.set(pk)
            try:
                yield
            finally:
                _requester.reset(token)
        return
    if code is None and pk is not None and _requester.get() == pk:
        yield  # their own request (or socket): the browser's choice is already active
        return
    with translation.override(code or settings.LANGUAGE_CODE):
        yield


@contextlib.contextmanager
def as_person(person, *, browser: str | None = None):
    """Render for ``person``'s eyes: their time zone and their language
    (``browser``: what their own browser asks for, when the caller knows it)."""
    with in_zone_of(person), in_language_of(person, browser=browser):
        yield


def language_from_headers(headers) -> str | None:
    """What a browser asks for, from a websocket scope's headers (the language
    cookie, then Accept-Language), like LocaleMiddleware does for a request."""
    cookies, accept = "", ""
    for name, value in headers or ():
        if name == b"cookie":
            cookies = value.decode("latin-1")
        elif name == b"accept-language":
            accept = value.decode("latin-1")
    for piece in cookies.split(";"):
        key, _eq, value = piece.strip().partition("=")
        if key == settings.LANGUAGE_COOKIE_NAME and value in language_codes():
            return value
    for code, _quality in trans_real.parse_accept_lang_header(accept):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code).split("-")[0]
        except LookupError:
            continue
    return None


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself ("English", "Español"): a person who cannot
    read the page's language still finds their own."""
    return list(settings.LANGUAGES)


class UserLanguageMiddleware:
    """The signed-in person's own language for the request, over the browser's
    (``LocaleMiddleware`` has already picked that one from the cookie or
    ``Accept-Language``). URLs stay unprefixed, so the answer varies on both."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = signed_in_person(request)
        signed_in = user is not None
        code = language_of(user) if signed_in else None
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        token = _requester.set(user.pk if signed_in else None)
        try:
            response = self.get_response(request)
        finally:
            _requester.reset(token)
        # The language comes from the session's person or the cookie: caches keep
        # one copy per cookie and per Accept-Language.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def remember_in_cookie(response, code: str | None) -> None:
    """The choice also in the language cookie, so the pages after logging out
    (and before the next login) keep speaking it; "follow the browser" clears it."""
    if code:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


@receiver(user_logged_in, dispatch_uid="accounts.languages.speak_after_login")
def speak_their_language_after_login(sender, request, user, **kwargs):
    """The rest of the login's request (allauth's "You are logged in as …") is
    already in the account's language, not the browser's."""
    code = language_of(user)
    if code and request is not None:
        translation.activate(code)
        request.LANGUAGE_CODE = code
