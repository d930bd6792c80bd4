"""Every foundation view, seen by anonymous, alice and bob (a couple) and carol (outsider)."""

import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from couples.access import current_space
from couples.domain.invite_codes import format_code
from couples.models import Couple, Invite, Membership
from couples.services import linking
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _code_on(response):
    match = re.search(r'id="invite-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', response.content.decode())
    assert match, "the new invite code is shown once"
    return match.group(1)


# --- dashboard -----------------------------------------------------------------


def test_anonymous_dashboard_redirects_to_login(anon_client):
    response = anon_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_htmx_request_gets_hx_redirect_not_a_login_fragment(anon_client):
    response = anon_client.get("/", htmx=True)
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert b"<form" not in response.content


def test_unlinked_dashboard_explains_how_to_invite_or_accept(alice_client):
    response = alice_client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="linking"' in html and 'id="statements"' not in html
    assert "Invite your partner" in html and "Accept an invite" in html


def test_linked_dashboard_shows_the_partner_and_every_section(alice_client, bob_client, couple):
    alice_html = alice_client.get("/").content.decode()
    bob_html = bob_client.get("/").content.decode()
    assert "You share this space with <strong>Bob</strong>" in alice_html
    assert "You share this space with <strong>Alice</strong>" in bob_html
    for section in ("statements", "timing", "alternatives", "reflections", "therapy"):
        assert f'id="{section}"' in alice_html


def test_outsider_dashboard_shows_nothing_of_the_couple(carol_client, couple):
    html = carol_client.get("/").content.decode()
    assert "Alice" not in html and "Bob" not in html
    assert 'id="linking"' in html


def test_private_pages_are_never_cached(alice_client):
    assert "no-store" in alice_client.get("/")["Cache-Control"]


def test_dashboard_refuses_post(alice_client):
    assert alice_client.post("/").status_code == 405


# --- invites -------------------------------------------------------------------


def _database_text():
    """Every row of every table as text, plus every stored session decoded."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT CAST(t AS text) FROM {quoted} AS t")  # noqa: S608
            chunks.extend(row[0] for row in cursor.fetchall())
    chunks.extend(json.dumps(s.get_decoded()) for s in Session.objects.all())
    return "\n".join(chunks)


def test_making_an_invite_without_javascript_redirects_and_shows_the_code_once(alice_client, alice):
    response = alice_client.post(reverse("invite_create"))
    assert response.status_code == 302 and response["Location"] == reverse("invite_create")
    # Between the POST and the GET the code waits sealed: never in clear in the database.
    invite = Invite.objects.get(creator=alice)
    everything = _database_text()
    shown = alice_client.get(response["Location"])
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    code = _code_on(shown)
    assert linking.code_digest(code.replace("-", "")) == invite.code_digest
    for spelling in (code, code.replace("-", "")):
        assert spelling not in everything and spelling not in _database_text()
    # A reload of that page (a GET) shows it no more, and makes no new code.
    again = alice_client.get(response["Location"])
    assert again.status_code == 302 and again["Location"] == reverse("dashboard")
    dashboard = alice_client.get("/").content.decode()
    assert code not in dashboard and "You have an open invite" in dashboard
    assert list(Invite.objects.values_list("pk", flat=True)) == [invite.pk]


def test_a_held_code_is_shown_only_for_the_invite_still_open(alice_client, alice):
    alice_client.post(reverse("invite_create"))
    linking.revoke_invite(creator=alice)
    assert alice_client.get(reverse("invite_create")).status_code == 302
    alice_client.post(reverse("invite_create"))
    linking.create_invite(creator=alice)  # another device made a newer one
    assert alice_client.get(reverse("invite_create")).status_code == 302


def test_a_held_code_expires(alice_client, alice, monkeypatch):
    from couples.views import linking as views

    alice_client.post(reverse("invite_create"))
    monkeypatch.setattr(views, "FRESH_CODE_SECONDS", -1)
    assert alice_client.get(reverse("invite_create")).status_code == 302


def test_the_code_is_held_for_its_own_session_only(alice_client, make_client, alice):
    alice_client.post(reverse("invite_create"))
    other_device = make_client(alice)
    assert other_device.get(reverse("invite_create")).status_code == 302
    assert alice_client.get(reverse("invite_create")).status_code == 200


def test_htmx_invite_shows_the_code_at_once_and_holds_nothing(alice_client, alice):
    response = alice_client.post(reverse("invite_create"), htmx=True)
    assert response.status_code == 200
    code = _code_on(response)
    assert linking.code_digest(code.replace("-", "")) == Invite.objects.get().code_digest
    assert code.replace("-", "") not in _database_text()
    assert alice_client.get(reverse("invite_create")).status_code == 302


def test_htmx_invite_returns_only_the_linking_partial(alice_client):
    response = alice_client.post(reverse("invite_create"), htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="linking"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_linked_person_cannot_make_an_invite(alice_client, couple):
    response = alice_client.post(reverse("invite_create"), htmx=True)
    assert response.status_code == 422
    assert "already linked" in response.content.decode()
    assert not Invite.objects.open().filter(creator__email="alice@example.com").exists()


def test_invite_requires_csrf(alice_client, alice):
    response = alice_client.post(reverse("invite_create"), csrf=False)
    assert response.status_code == 403
    assert not Invite.objects.filter(creator=alice).exists()


def test_anonymous_cannot_make_or_revoke_invites(anon_client):
    for name in ("invite_create", "invite_revoke"):
        response = anon_client.post(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert Invite.objects.count() == 0


def test_revoke_withdraws_only_my_invite(alice_client, alice, bob):
    linking.create_invite(creator=alice)
    linking.create_invite(creator=bob)
    response = alice_client.post(reverse("invite_revoke"))
    assert response.status_code == 302
    assert not Invite.objects.open().filter(creator=alice).exists()
    assert Invite.objects.open().filter(creator=bob).exists()


def test_revoke_requires_csrf(alice_client, alice):
    linking.create_invite(creator=alice)
    assert alice_client.post(reverse("invite_revoke"), csrf=False).status_code == 403
    assert Invite.objects.open().filter(creator=alice).exists()


# --- join ----------------------------------------------------------------------


def test_join_by_typed_code_links_and_redirects_to_dashboard(bob_client, alice, bob):
    _invite, code = linking.create_invite(creator=alice)
    response = bob_client.post(reverse("join"), {"code": f" {code[:4].lower()}-{code[4:]} "})
    assert response.status_code == 302 and response["Location"] == "/"
    assert current_space(bob).partner == alice
    assert "linked with Alice" in bob_client.get("/").content.decode()


def test_join_by_htmx_sends_hx_redirect(bob_client, alice, bob):
    _invite, code = linking.create_invite(creator=alice)
    response = bob_client.post(reverse("join"), {"code": code}, htmx=True)
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/"


def test_join_link_get_only_prefills_and_changes_nothing(bob_client, alice, bob):
    _invite, code = linking.create_invite(creator=alice)
    response = bob_client.get(reverse("join_link", args=[code]))
    assert response.status_code == 200
    assert format_code(code) in response.content.decode()
    assert current_space(bob) is None
    assert Invite.objects.get(creator=alice).accepted_at is None


def test_join_link_page_does_not_reveal_whether_a_code_exists(bob_client, alice):
    _invite, code = linking.create_invite(creator=alice)
    real = bob_client.get(reverse("join_link", args=[code])).content.decode()
    fake = bob_client.get(reverse("join_link", args=["ZZZZZZZZ"])).content.decode()
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert strip(real) == strip(fake)
    assert "Alice" not in real


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "This field is required"),
        ("ABC", "8 letters and digits"),
        ("X" * 40, "at most 32 characters"),
        ("ZZZZ-ZZZZ", "does not match an invite"),
    ],
)
def test_bad_codes_get_a_clear_message_on_the_same_page(bob_client, bob, code, message):
    for htmx, expected_status in ((False, 422), (True, 422)):
        response = bob_client.post(reverse("join"), {"code": code}, htmx=htmx)
        assert response.status_code == expected_status
        assert message in response.content.decode()
    assert current_space(bob) is None


def test_own_invite_cannot_be_accepted(alice_client, alice):
    _invite, code = linking.create_invite(creator=alice)
    response = alice_client.post(reverse("join"), {"code": code}, htmx=True)
    assert response.status_code == 422
    assert "your own invite" in response.content.decode()
    assert Couple.objects.count() == 0


def test_double_submit_of_the_same_code_links_once(bob_client, alice, bob):
    _invite, code = linking.create_invite(creator=alice)
    assert bob_client.post(reverse("join"), {"code": code}).status_code == 302
    second = bob_client.post(reverse("join"), {"code": code}, htmx=True)
    assert second.status_code == 422
    assert Couple.objects.count() == 1 and Membership.objects.count() == 2


def test_guessing_is_throttled_with_429(bob_client, bob, settings):
    settings.INVITE_ATTEMPT_LIMIT = 2
    for _ in range(2):
        assert bob_client.post(reverse("join"), {"code": "ZZZZZZZZ"}).status_code == 422
    response = bob_client.post(reverse("join"), {"code": "ZZZZZZZZ"}, htmx=True)
    assert response.status_code == 429
    assert "Too many codes" in response.content.decode()


def test_a_valid_code_is_never_refused_because_others_at_the_same_address_guessed_wrong(
    make_client, alice, bob, settings
):
    """A household or a carrier's NAT shares one address: strangers behind it
    guessing wrong never stop bob from typing the code alice gave him."""
    settings.INVITE_ATTEMPT_LIMIT = 1
    _invite, code = linking.create_invite(creator=alice)
    shared_address = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(25):
        stranger = make_client(UserFactory())
        response = stranger.post(reverse("join"), {"code": "ZZZZZZZZ"}, **shared_address)
        assert response.status_code == 422
        again = stranger.post(reverse("join"), {"code": "ZZZZZZZZ"}, **shared_address)
        assert again.status_code == 429  # each stranger's own limit holds
    response = make_client(bob).post(reverse("join"), {"code": code}, **shared_address)
    assert response.status_code == 302
    assert current_space(bob).partner == alice


def test_join_requires_csrf(bob_client, alice, bob):
    _invite, code = linking.create_invite(creator=alice)
    assert bob_client.post(reverse("join"), {"code": code}, csrf=False).status_code == 403
    assert current_space(bob) is None


def test_anonymous_join_goes_to_login_and_links_nothing(anon_client, alice):
    _invite, code = linking.create_invite(creator=alice)
    for response in (
        anon_client.get(reverse("join_link", args=[code])),
        anon_client.post(reverse("join"), {"code": code}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert Couple.objects.count() == 0


def test_a_linked_person_cannot_accept_an_outsiders_invite(alice_client, alice, bob, carol, couple):
    _invite, code = linking.create_invite(creator=carol)
    response = alice_client.post(reverse("join"), {"code": code}, htmx=True)
    assert response.status_code == 422
    assert "already linked" in response.content.decode()
    assert current_space(alice).partner == bob and current_space(carol) is None


# --- unlink --------------------------------------------------------------------


def test_unlink_page_asks_for_one_confirmation(bob_client, couple):
    response = bob_client.get(reverse("unlink"))
    assert response.status_code == 200
    assert "Unlink from Alice?" in response.content.decode()


def test_unlink_without_the_confirmation_changes_nothing(bob_client, alice, bob, couple):
    response = bob_client.post(reverse("unlink"), {}, htmx=True)
    assert response.status_code == 422
    assert "Tick the box" in response.content.decode()
    assert current_space(alice).partner == bob


def test_unlink_alone_switches_both_dashboards_to_not_linked(
    alice_client, bob_client, alice, bob, couple
):
    response = bob_client.post(reverse("unlink"), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"
    for client in (alice_client, bob_client):
        html = client.get("/").content.decode()
        assert 'id="linking"' in html
        assert "You share this space" not in html
    assert "Bob" not in alice_client.get("/").content.decode().replace('id="nav-profile">Alice', "")


def test_unlink_by_htmx_sends_hx_redirect(alice_client, couple):
    response = alice_client.post(reverse("unlink"), {"confirm": "on"}, htmx=True)
    assert response.status_code == 204 and response["HX-Redirect"] == "/"


def test_outsider_and_unlinked_get_404_from_unlink(carol_client, couple):
    assert carol_client.get(reverse("unlink")).status_code == 404
    assert carol_client.post(reverse("unlink"), {"confirm": "on"}).status_code == 404
    assert Couple.objects.get().dissolved_at is None


def test_unlink_requires_csrf(alice_client, couple):
    assert alice_client.post(reverse("unlink"), {"confirm": "on"}, csrf=False).status_code == 403
    assert Couple.objects.get().dissolved_at is None


def test_anonymous_unlink_goes_to_login(anon_client, couple):
    assert anon_client.post(reverse("unlink"), {"confirm": "on"}).status_code == 302
    assert Couple.objects.get().dissolved_at is None


# --- profile -------------------------------------------------------------------


def test_profile_changes_only_my_display_name(alice_client, alice, bob, couple):
    response = alice_client.post(reverse("profile"), {"display_name": "Ali"})
    assert response.status_code == 302
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert alice.display_name == "Ali" and bob.display_name == "Bob"


def test_profile_saved_with_htmx_reloads_the_page_instead_of_nesting_it(alice_client, alice):
    response = alice_client.post(reverse("profile"), {"display_name": "Ali"}, htmx=True)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("profile")
    assert response.content == b""
    alice.refresh_from_db()
    assert alice.display_name == "Ali"


@pytest.mark.parametrize("name", ["", "x" * 61, "bad\x00name"])
def test_profile_rejects_bad_names_and_keeps_the_old_one(alice_client, alice, name):
    response = alice_client.post(reverse("profile"), {"display_name": name}, htmx=True)
    assert response.status_code == 422
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


def test_profile_requires_login_and_csrf(anon_client, alice_client, alice):
    assert anon_client.get(reverse("profile")).status_code == 302
    assert (
        alice_client.post(reverse("profile"), {"display_name": "X"}, csrf=False).status_code == 403
    )
    alice.refresh_from_db()
    assert alice.display_name == "Alice"


# --- a new code is never one tap from being replaced (issue 15, item 6) ---------


def test_the_page_showing_a_new_code_has_no_button_that_replaces_it(alice_client, alice):
    response = alice_client.post(reverse("invite_create"), htmx=True)
    html = response.content.decode()
    assert 'id="invite-code"' in html
    assert f'action="{reverse("invite_create")}"' not in html
    assert f'action="{reverse("invite_revoke")}"' not in html
    assert f'href="{reverse("invite_replace")}"' in html


def test_posting_for_a_new_code_while_one_is_open_asks_first(alice_client, alice):
    first, _code = linking.create_invite(creator=alice)
    for htmx in (False, True):
        response = alice_client.post(reverse("invite_create"), htmx=htmx)
        if htmx:
            assert response["HX-Redirect"] == reverse("invite_replace")
        else:
            assert response.status_code == 302
            assert response["Location"] == reverse("invite_replace")
    assert list(Invite.objects.open().values_list("pk", flat=True)) == [first.pk]


def test_the_replace_page_explains_and_changes_nothing(alice_client, alice):
    first, _code = linking.create_invite(creator=alice)
    response = alice_client.get(reverse("invite_replace"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "stops the one you have now from working" in html
    assert 'name="replace" value="yes"' in html and 'id="keep-invite"' in html
    assert list(Invite.objects.open().values_list("pk", flat=True)) == [first.pk]


def test_confirming_on_the_replace_page_makes_a_new_code(alice_client, alice):
    first, _code = linking.create_invite(creator=alice)
    response = alice_client.post(reverse("invite_create"), {"replace": "yes"}, follow=True)
    assert re.search(r'id="invite-code">[A-Z0-9]{4}-[A-Z0-9]{4}<', response.content.decode())
    (second,) = Invite.objects.open()
    assert second.pk != first.pk


def test_the_replace_page_without_an_open_invite_goes_to_the_dashboard(alice_client, alice):
    response = alice_client.get(reverse("invite_replace"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
