"""The synchronous half of a socket: who is this, what may they see, and the
HTML of the private parts (and the whole dashboard body) it renders for its
own session — always the page's own partials. Runs in a thread via
``database_sync_to_async``. Shared parts arrive ready, from the writer
(realtime.writer): for those, only ``csrf_token`` and ``presence_html`` run,
with no database work.
"""

import logging
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django_htmx.middleware import HtmxDetails

from accounts.languages import as_person, language_from_headers, language_of
from couples.access import person_and_space
from couples.parts import PARTS, render_named_part

logger = logging.getLogger(__name__)


@dataclass
class SocketState:
    """What one socket's person is right now (``None`` user: session ended)."""

    user: object
    space: object  # couples.access.Space or None
    session: object
    csrf_secret: str | None = None  # the browser's CSRF secret (its cookie)

    @property
    def couple_id(self):
        return self.space.couple.pk if self.space else None


class SocketRequest(HttpRequest):
    """An HttpRequest standing in for the socket's person, so partials render
    exactly as they do over HTTP: ``request.user``, the session, the CSRF
    cookie (``{% csrf_token %}`` yields a token valid for that browser) and the
    host (``{% url %}``, absolute links)."""

    def __init__(self, scope, *, user, session):
        super().__init__()
        self.method = "GET"
        self.path = self.path_info = "/"
        self.user = user
        self.session = session
        self._secure = scope.get("scheme") in {"wss", "https"}
        headers = {name.decode("latin1").lower(): value for name, value in scope["headers"]}
        server = scope.get("server") or ("localhost", 80)
        self.META.update(
            {
                "SERVER_NAME": server[0] or "localhost",
                "SERVER_PORT": str(server[1] or 80),
                "REMOTE_ADDR": (scope.get("client") or ("", 0))[0],
            }
        )
        if "host" in headers:
            self.META["HTTP_HOST"] = headers["host"].decode("latin1")
        self.COOKIES = dict(scope.get("cookies") or {})
        self.htmx = HtmxDetails(self)
        # Reads the browser's CSRF secret from its cookie, as the middleware does for HTTP.
        CsrfViewMiddleware(lambda request: None).process_request(self)

    def _get_scheme(self):
        return "https" if self._secure else "http"


def _fresh_session(scope):
    """The socket's session as stored now (an ended session loads empty)."""
    key = getattr(scope.get("session"), "session_key", None)
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(key)


def session_is_valid(session, user):
    """Like ``django.contrib.auth.get_user`` but without side effects: the
    session still names this user and carries their current password hash."""
    if str(session.get(SESSION_KEY, "")) != str(user.pk) or not user.is_active:
        return False
    stored = session.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return bool(stored) and any(constant_time_compare(stored, h) for h in hashes)


def load_state(scope, user_id):
    """Re-check, from the database, that the socket's person is still signed in
    with this session, and what they share now. ``None``: close the socket."""
    session = _fresh_session(scope)
    user, space = person_and_space(user_id)
    if user is None or not session_is_valid(session, user):
        return None
    request = SocketRequest(scope, user=user, session=session)
    return SocketState(
        user=user, space=space, session=session, csrf_secret=request.META.get("CSRF_COOKIE")
    )


def csrf_token(secret: str | None) -> str:
    """A freshly masked CSRF token for the socket's browser (its cookie holds
    ``secret``), as ``{% csrf_token %}`` would render it over HTTP."""
    request = HttpRequest()
    if secret:
        request.META["CSRF_COOKIE"] = secret
    return get_token(request)


_PRESENCE = {}


def socket_language(scope, user) -> str:
    """The language of what one socket's person reads: their own choice, else
    what their browser asked for when the socket opened, else the site's."""
    return (
        language_of(user) or language_from_headers(scope.get("headers")) or settings.LANGUAGE_CODE
    )


def presence_html(present: bool, language: str | None = None) -> str:
    """The partner's presence mark (the same two strings for everyone who
    reads ``language``; the active one when not given)."""
    language = language or translation.get_language()
    key = (present, language)
    if key not in _PRESENCE:
        with translation.override(language):
            _PRESENCE[key] = render_to_string("realtime/presence.html", {"present": present})
    return _PRESENCE[key]


def load_state_and_frame(scope, user_id, event, *, couple_id, partner_present):
    """For one event: the person's state now and, if it still concerns them,
    the frame to send (``None`` otherwise). One trip to a worker thread.

    ``couple_id`` is the couple the socket follows now; ``partner_present`` its
    partner's presence, which says nothing once the couple has changed."""
    state = load_state(scope, user_id)
    if state is None:
        return None, None
    if event.get("couple") is not None and event["couple"] != state.couple_id:
        return state, None  # an event of a couple this person is no longer part of
    names = event["parts"]
    presence = None
    if {"partner", "space"} & set(names):
        presence = partner_present and state.couple_id == couple_id
    html = render_frame(scope, state, names, seq=event.get("seq"), presence=presence)
    return state, html or None


def render_frame(scope, state, names, *, seq=None, presence=None):
    """One websocket frame: the named parts for ``state.user``, plus the seq
    marker and the presence mark, as top-level elements swapped by ``id``."""
    request = SocketRequest(scope, user=state.user, session=state.session)
    browser = language_from_headers(scope.get("headers"))
    pieces = []
    if seq is not None:
        pieces.append(render_to_string("realtime/seq.html", {"seq": seq, "kind": "change"}))
    for name in names:
        part = PARTS.get(name)
        if part is not None and part.scope != "couple" and seq is not None:
            # Defence in depth: couple events never carry private parts.
            logger.error("user-scoped part %s refused on a couple event", name)
            continue
        with as_person(
            state.user, browser=browser
        ):  # the whole body (SPACE) too, in their zone and language
            html = render_named_part(request, name, state.space)
        if html is None:
            continue
        pieces.append(html)
    if presence is not None and state.space is not None:
        with as_person(state.user, browser=browser):
            pieces.append(presence_html(presence))
    return "\n".join(pieces)


def render_hello(state):
    """The first frame: the couple's current seq, so a page rendered just
    before its socket opened notices a change it missed."""
    seq = state.space.couple.seq if state.space else None
    return render_to_string("realtime/seq.html", {"seq": seq, "kind": "hello"})
