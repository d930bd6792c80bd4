"""The middleware made cheaper (config/middleware.py, docs/decisions.md "Middleware")
behaves exactly as before: the Content-Security-Policy is the one django-csp's own
middleware sends, byte for byte, in every case the library distinguishes; the
no-store decision is the one ``request.user.is_authenticated`` gives."""

import hashlib

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, SELF
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.test import RequestFactory
from django.utils.cache import add_never_cache_headers

from config.middleware import CSPMiddleware, PrivateNoStoreMiddleware

# The policy every page gets, directive by directive (django-csp orders them by
# hashing, which differs from one process to the next; the directives do not).
EXPECTED_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}

factory = RequestFactory()


def test_production_stack_uses_the_precomputed_csp_middleware_in_the_librarys_place():
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
    position = settings.MIDDLEWARE.index("config.middleware.CSPMiddleware")
    assert settings.MIDDLEWARE[position - 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert issubclass(CSPMiddleware, LibraryCSPMiddleware)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/privacy/", "/nowhere-at-all/"])
def test_pages_get_exactly_the_configured_policy(path, anon_client):
    response = anon_client.get(path)
    header = response[HEADER]
    assert header == build_policy()
    assert set(header.split("; ")) == EXPECTED_DIRECTIVES
    assert HEADER_REPORT_ONLY not in response


@pytest.mark.django_db
def test_signed_in_dashboard_gets_exactly_the_configured_policy(alice_client, couple):
    response = alice_client.get("/")
    assert response.status_code == 200
    assert set(response[HEADER].split("; ")) == EXPECTED_DIRECTIVES


# --- ours against the library's, case by case -----------------------------------------


def plain(request):
    return HttpResponse("ok")


def not_found(request):
    return HttpResponseNotFound("no")


def server_error(request):
    return HttpResponseServerError("no")


def own_header(request):
    response = HttpResponse("ok")
    response[HEADER] = "default-src 'none'"
    return response


def uses_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


VIEWS = {
    "plain": plain,
    "404": not_found,
    "500": server_error,
    "own header": own_header,
    "nonce": uses_nonce,
    "csp_update": csp_update({"img-src": ["https://img.example"]})(plain),
    "csp_replace": csp_replace({"script-src": None})(plain),
    "csp_update report-only": csp_update({"img-src": ["https://img.example"]}, REPORT_ONLY=True)(
        plain
    ),
    "csp_exempt": csp_exempt()(plain),
    "csp_exempt report-only": csp_exempt(REPORT_ONLY=True)(plain),
}

REPORT_ONLY_POLICY = {
    "DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE], "report-uri": "/csp/"}
}


def run(middleware_class, view, path="/somewhere/"):
    request = factory.get(path)
    response = middleware_class(view)(request)
    # After the response, an unused nonce may not be taken any more (the library's guard).
    try:
        late = str(request.csp_nonce)
    except CSPNonceError:
        late = "refused"
    return dict(response.headers), late


@pytest.fixture
def fixed_nonce(monkeypatch):
    monkeypatch.setattr("csp.middleware.os.urandom", lambda n: b"n" * n)


@pytest.mark.usefixtures("fixed_nonce")
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("report_only", [False, True], ids=["enforced", "plus report-only"])
@pytest.mark.parametrize("name", list(VIEWS))
def test_same_headers_as_the_library_middleware(name, report_only, debug, settings):
    settings.DEBUG = debug
    if report_only:
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY_POLICY
    ours = run(CSPMiddleware, VIEWS[name])
    assert ours == run(LibraryCSPMiddleware, VIEWS[name])
    headers, _late = ours
    if name == "plain" and not debug:
        assert set(headers[HEADER].split("; ")) == EXPECTED_DIRECTIVES
        assert (HEADER_REPORT_ONLY in headers) is report_only


@pytest.mark.usefixtures("fixed_nonce")
@pytest.mark.parametrize("path", ["/somewhere/", "/excluded/page/", "/ro-excluded/x/"])
def test_excluded_prefixes_and_changed_settings_are_followed(path, settings):
    # The first request builds the cached header with the default settings...
    assert run(CSPMiddleware, plain)[0][HEADER] == build_policy()
    # ... a changed policy is followed at once, prefixes included.
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/excluded/"],
        "DIRECTIVES": {"default-src": ["'none'"], "img-src": [SELF]},
    }
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "EXCLUDE_URL_PREFIXES": ["/ro-excluded/"],
        **REPORT_ONLY_POLICY,
    }
    ours = run(CSPMiddleware, plain, path)
    assert ours == run(LibraryCSPMiddleware, plain, path)
    headers = ours[0]
    assert (HEADER in headers) is (path != "/excluded/page/")
    assert (HEADER_REPORT_ONLY in headers) is (path != "/ro-excluded/x/")
    if HEADER in headers:
        assert set(headers[HEADER].split("; ")) == {"default-src 'none'", "img-src 'self'"}


def test_the_policy_goes_back_with_the_settings():
    assert set(run(CSPMiddleware, plain)[0][HEADER].split("; ")) == EXPECTED_DIRECTIVES


# --- no-store for signed-in people -------------------------------------------------------


class OriginalPrivateNoStore:
    """The rule as it was written before: ask ``request.user`` every time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(
            ("/accounts/", "/join/")
        ):
            add_never_cache_headers(response)
        return response


def _untouched(request, person):
    return HttpResponse("ok")


def _reads_user(request, person):
    return HttpResponse(str(request.user.is_authenticated))


def _logs_in(request, person):
    login(request, person, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponse("ok")


def _logs_out(request, person):
    logout(request)
    return HttpResponse("ok")


def _sets_user(request, person):
    request.user = person
    return HttpResponse("ok")


PNS_VIEWS = {
    "never reads the person": _untouched,
    "reads the person": _reads_user,
    "signs in": _logs_in,
    "signs out": _logs_out,
    "sets request.user": _sets_user,
}


def _stack(no_store_class, view, person):
    def inner(request):
        return view(request, person)

    return SessionMiddleware(AuthenticationMiddleware(no_store_class(inner)))


def _session_cookie(make_client, person, how):
    if how == "no session":
        return None
    client = make_client(person)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    if how == "stale session":
        # The session names the person, but the password changed since: Django
        # flushes it and the request is anonymous.
        person.set_password("a different password altogether")
        person.save()
    return key


def _answer(no_store_class, view, person, cookie, path):
    request = factory.get(path)
    if cookie:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = cookie
    response = _stack(no_store_class, view, person)(request)
    cookies = {name: bool(morsel.value) for name, morsel in response.cookies.items()}
    return {
        "no-store": "no-store" in response.get("Cache-Control", ""),
        "Cache-Control": response.get("Cache-Control"),
        "Vary": response.get("Vary"),
        "cookies set (name: non-empty)": cookies,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/somewhere/", "/accounts/somewhere/"])
@pytest.mark.parametrize("session", ["no session", "signed in", "stale session"])
@pytest.mark.parametrize("view", list(PNS_VIEWS))
def test_no_store_decision_is_the_one_request_user_gives(view, session, path, make_client, alice):
    cookie = _session_cookie(make_client, alice, session)
    # The original first: a stale session is flushed by the request that finds it,
    # so each rule gets a session of its own.
    original = _answer(OriginalPrivateNoStore, PNS_VIEWS[view], alice, cookie, path)
    cookie = _session_cookie(make_client, alice, session)
    ours = _answer(PrivateNoStoreMiddleware, PNS_VIEWS[view], alice, cookie, path)
    assert ours == original
    signed_in_after = (session == "signed in" and view != "signs out") or view in (
        "signs in",
        "sets request.user",
    )
    assert ours["no-store"] is (signed_in_after or path.startswith("/accounts/"))
    if view != "sets request.user":
        # Whoever looks, the session was read: the answer varies by cookie.
        assert "Cookie" in (ours["Vary"] or "")


# --- messages: Django's storage, built on first use -------------------------------------

DJANGO_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"


def _messages_answer(storage_path, scenario, settings, incoming=None):
    from django.contrib import messages
    from django.contrib.messages.middleware import MessageMiddleware

    settings.MESSAGE_STORAGE = storage_path
    seen = {}

    def view(request):
        if scenario == "one message":
            messages.success(request, "Your week is saved.")
        elif scenario == "too big for the cookie":
            for i in range(40):  # incompressible: the cookie is compressed
                messages.info(request, hashlib.sha256(str(i).encode()).hexdigest() * 3)
        elif scenario == "shows the incoming ones":
            seen["shown"] = [str(m) for m in messages.get_messages(request)]
        seen["storage"] = request._messages
        return HttpResponse("ok")

    request = factory.get("/somewhere/")
    if incoming:
        request.COOKIES.update(incoming)
    response = SessionMiddleware(MessageMiddleware(view))(request)
    session = dict(request.session.items())
    cookies = {name: morsel.value for name, morsel in response.cookies.items()}
    cookies.pop(settings.SESSION_COOKIE_NAME, None)  # a fresh random key either way
    built = "storages" in seen["storage"].__dict__  # after the response has stored them
    return {"cookies": cookies, "session": session, "shown": seen.get("shown")}, built


SCENARIOS = ["no message", "one message", "too big for the cookie", "shows the incoming ones"]


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_message_storage_stores_and_shows_exactly_what_djangos_does(scenario, settings):
    incoming = None
    if scenario == "shows the incoming ones":
        answer, _built = _messages_answer(DJANGO_STORAGE, "one message", settings)
        incoming = answer["cookies"]
    ours, built = _messages_answer("config.messages.FallbackStorage", scenario, settings, incoming)
    djangos, _ = _messages_answer(DJANGO_STORAGE, scenario, settings, incoming)
    assert ours == djangos
    # Only a request that adds or shows messages builds the backends.
    assert built is (scenario != "no message")
    if scenario == "one message":
        assert "messages" in ours["cookies"]
    if scenario == "too big for the cookie":
        assert ours["session"].get("_messages")
    if scenario == "shows the incoming ones":
        assert ours["shown"] == ["Your week is saved."]
        assert ours["cookies"] == {"messages": ""}  # shown once, then cleared


def test_production_settings_use_the_lazy_message_storage():
    assert settings.MESSAGE_STORAGE == "config.messages.FallbackStorage"
