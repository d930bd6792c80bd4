"""The refetch endpoint (/parts/<name>/) and the dashboard's live wiring."""

from pathlib import Path

import pytest

from couples import parts

TEST_TEMPLATES = Path(__file__).resolve().parent / "templates"
pytestmark = pytest.mark.django_db


def test_anonymous_refetch_goes_to_login(anon_client):
    response = anon_client.get("/parts/space/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = anon_client.get("/parts/space/", htmx=True)
    assert response.status_code == 401 and "/accounts/login/" in response["HX-Redirect"]


def test_member_refetches_the_whole_space_as_they_see_it(alice_client, bob_client, couple):
    html = alice_client.get("/parts/space/").content.decode()
    assert html.lstrip().startswith('<div id="space">')
    assert "Bob" in html.split('id="partner"')[1].split("</section>")[0]
    assert 'data-seq="0"' in html
    html = bob_client.get("/parts/partner/").content.decode()
    assert html.lstrip().startswith('<section id="partner"') and "Alice" in html


def test_outsider_gets_their_own_not_linked_space_and_no_shared_parts(carol_client, couple):
    html = carol_client.get("/parts/space/").content.decode()
    assert 'id="linking"' in html and "Alice" not in html and "Bob" not in html
    for name in ("partner", "statements", "reflections"):
        assert carol_client.get(f"/parts/{name}/").status_code == 404


def test_unknown_part_is_404(alice_client, couple):
    assert alice_client.get("/parts/nothing-here/").status_code == 404


def test_refetch_endpoint_is_get_only(alice_client, couple):
    alice_client.get("/")  # the page a browser would have open (sets the CSRF cookie)
    assert alice_client.post("/parts/space/").status_code == 405


def test_private_part_refetch_shows_only_the_requesters_own(
    alice_client, bob_client, couple, monkeypatch, settings
):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    ]
    part = parts.Part(
        "private-canary",
        "tests/private_canary.html",
        build=lambda space, rows, request: {"canary": f"CANARY-{request.user.display_name}"},
        scope="user",
    )
    monkeypatch.setitem(parts.PARTS, "private-canary", part)
    assert "CANARY-Bob" in bob_client.get("/parts/private-canary/").content.decode()
    assert "CANARY-Alice" not in bob_client.get("/parts/private-canary/").content.decode()


def test_dashboard_opens_one_socket_with_static_script_only(alice_client, couple):
    html = alice_client.get("/").content.decode()
    assert html.count("ws-connect=") == 1 and 'ws-connect="/ws/space/"' in html
    assert "js/live.js" in html and "htmx-ext-ws-2.0.4.js" in html
    assert "<script>" not in html and " style=" not in html
    assert 'id="live-paused"' in html and 'id="partner-presence"' in html
    assert 'data-parts-url="/parts/__part__/"' in html


def test_not_linked_dashboard_also_listens_live(carol_client):
    html = carol_client.get("/").content.decode()
    assert 'ws-connect="/ws/space/"' in html and 'id="space"' in html and 'id="linking"' in html
