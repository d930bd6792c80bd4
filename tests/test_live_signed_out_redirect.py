"""A page whose session ended asks over htmx and is sent to log in: afterwards
the person must land back on the page they were on, never on a bare fragment."""

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def _next_of(hx_redirect):
    return parse_qs(urlsplit(hx_redirect).query)["next"][0]


def test_signed_out_refetch_returns_to_the_page_not_to_the_fragment(anon_client):
    response = anon_client.get("/parts/space/", htmx=True, HTTP_HX_CURRENT_URL="http://testserver/")
    assert response.status_code == 401
    assert urlsplit(response["HX-Redirect"]).path == "/accounts/login/"
    assert _next_of(response["HX-Redirect"]) == "/"


def test_a_foreign_current_url_is_never_used_as_the_way_back(anon_client):
    response = anon_client.get(
        "/parts/space/", htmx=True, HTTP_HX_CURRENT_URL="https://evil.example/steal"
    )
    assert response.status_code == 401
    assert _next_of(response["HX-Redirect"]) == "/parts/space/"
