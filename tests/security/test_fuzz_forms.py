"""Fuzzed input on every form: never a server error, whatever is echoed is escaped.

Examples run one after another in one test transaction (state accumulates: a
saved name stays saved), which is fine: the property is per request.
"""

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}",
    "' OR 1=1 --",
    "\u202eevil\u202c",
    "\x00",
    "a\x00b",
    "🫶🏽 ünïcödé 名前",
    "\ud7ff\ue000\U0010fffd",
    " ",
    "",
]
HTML_PAYLOADS = [p for p in PAYLOADS if "<" in p]

fuzz_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=50, max_size=400),
    st.builds(lambda n: "x" * n, st.integers(min_value=60, max_value=5000)),
)
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HUGE = "y" * 200_000


def check(response):
    assert response.status_code < 500, response.status_code
    body = response.content.decode("utf-8", "replace")
    for payload in HTML_PAYLOADS:
        assert payload not in body, f"unescaped payload echoed: {payload}"


@FUZZ
@given(code=fuzz_text)
@example(code=HUGE)
def test_join_code_never_errors_and_is_escaped(code, make_client):
    client = make_client(UserFactory())
    check(client.post("/join/", {"code": code}))
    check(client.post("/join/", {"code": code}, htmx=True))


@FUZZ
@given(name=fuzz_text)
@example(name=HUGE)
@example(name="<script>alert(1)</script>")
def test_profile_display_name_never_errors_and_is_shown_escaped_to_the_partner(
    name, make_client, alice, bob, couple
):
    check(make_client(alice).post("/accounts/profile/", {"display_name": name}, htmx=True))
    check(make_client(alice).post("/accounts/profile/", {"display_name": name}))
    for viewer in (alice, bob):
        check(make_client(viewer).get("/"))
        check(make_client(viewer).get("/unlink/"))


@FUZZ
@given(confirm=fuzz_text)
def test_unlink_confirm_field_never_errors(confirm, make_client, alice, bob, couple):
    # A non-empty value ticks the box (that is how checkboxes work), so the
    # couple may unlink on the first example; later examples meet a 404.
    check(make_client(bob).post("/unlink/", {"confirm": confirm}, htmx=True))


@FUZZ
@given(email=fuzz_text, name=fuzz_text, password=fuzz_text)
@example(email=HUGE, name=HUGE, password=HUGE)
@example(email="<script>alert(1)</script>@example.com", name="x", password="y")
def test_signup_never_errors_and_echoes_escaped(email, name, password, make_client):
    cache.clear()  # allauth's per-address signup limit
    response = make_client().post(
        "/accounts/signup/",
        {"email": email, "display_name": name, "password1": password, "password2": password},
    )
    check(response)


@FUZZ
@given(login=fuzz_text, password=fuzz_text)
@example(login=HUGE, password=HUGE)
def test_login_never_errors(login, password, make_client):
    cache.clear()
    check(make_client().post("/accounts/login/", {"login": login, "password": password}))
