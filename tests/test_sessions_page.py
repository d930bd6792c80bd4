"""The sessions page (accounts/sessions/): where a person is logged in, and
ending one session or every other. Sockets: tests/test_sessions_sockets.py."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.session_views import coarse_place, device_name
from accounts.sessions import UNKNOWN_ADDRESS
from couples.models import PushDevice

pytestmark = pytest.mark.django_db

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def row_of(client):
    return UserSession.objects.get(session_key=client.session.session_key)


def describe(client, user_agent, ip):
    UserSession.objects.filter(session_key=client.session.session_key).update(
        user_agent=user_agent, ip=ip
    )


def push_device(person, session):
    return PushDevice.objects.create(
        person=person,
        session=session,
        endpoint=f"https://fcm.googleapis.com/fcm/send/page-{session.pk}",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
        label="Safari on iPhone",
    )


def test_the_page_names_devices_and_networks_coarsely_and_only_ones_own(make_client, alice, bob):
    here, phone = make_client(alice), make_client(alice)
    describe(here, FIREFOX_LINUX, "127.0.0.1")  # the test client's address
    describe(phone, SAFARI_IPHONE, "203.0.113.77")
    bobs = make_client(bob)
    describe(bobs, FIREFOX_LINUX, "198.51.100.9")

    page = here.get(reverse("usersessions_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Where you are logged in" in html
    assert "Safari on an iPhone" in html
    assert "Another network (starts 203.0.…)" in html
    assert "The network this device uses now" in html  # this test client: 127.0.0.1
    assert "this device" in html
    assert "Log out everywhere else" in html
    # Never the full address or the raw browser string, never bob's sessions.
    assert "203.0.113.77" not in html
    assert "Mobile/15E148" not in html
    assert "198.51" not in html
    assert f'value="{row_of(bobs).pk}"' not in html


def test_device_and_place_wording():
    assert device_name(FIREFOX_LINUX) == "Firefox on Linux"
    assert device_name("") == "An unknown browser"
    assert coarse_place(UNKNOWN_ADDRESS, "127.0.0.1") == "An unknown network"
    assert (
        coarse_place("2001:db8:85a3::8a2e:370:7334", None) == "Another network (starts 2001:db8:…)"
    )


def test_the_profile_links_the_sessions_page(alice_client):
    html = alice_client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("usersessions_list")}"' in html


def test_ending_one_session_ends_it_and_removes_its_push_device(make_client, alice):
    here, phone, laptop = make_client(alice), make_client(alice), make_client(alice)
    phones = row_of(phone)
    device = push_device(alice, phones)

    response = here.post(reverse("usersessions_list"), {"session": phones.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("usersessions_list")
    assert "That session is logged out." in here.get(reverse("usersessions_list")).content.decode()
    assert not UserSession.objects.filter(pk=phones.pk).exists()
    assert not Session.objects.filter(session_key=phone.session.session_key).exists()
    assert not PushDevice.objects.filter(pk=device.pk).exists()
    # The others go on.
    assert phone.get(reverse("profile")).status_code == 302  # to the login page
    assert here.get(reverse("profile")).status_code == 200
    assert laptop.get(reverse("profile")).status_code == 200


def test_log_out_everywhere_else_keeps_only_this_device(make_client, alice, bob):
    here, phone, laptop = make_client(alice), make_client(alice), make_client(alice)
    bobs = make_client(bob)
    response = here.post(reverse("usersessions_list"), {"end": "others"})
    assert response.status_code == 302
    html = here.get(reverse("usersessions_list")).content.decode()
    assert "You are logged out everywhere else." in html
    assert "You are logged in on this device only." in html
    assert list(UserSession.objects.filter(user=alice).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]
    for gone in (phone, laptop):
        assert gone.get(reverse("profile")).status_code == 302
    assert here.get(reverse("profile")).status_code == 200
    assert bobs.get(reverse("profile")).status_code == 200  # nobody else's


def test_someone_elses_or_a_forged_session_id_ends_nothing(make_client, alice, bob):
    here = make_client(alice)
    bobs = make_client(bob)
    bobs_row = row_of(bobs)
    device = push_device(bob, bobs_row)
    highest = UserSession.objects.order_by("-pk").first().pk
    for forged in (bobs_row.pk, highest + 1000):
        response = here.post(reverse("usersessions_list"), {"session": forged})
        assert response.status_code == 404, forged
    # Even combined with "every other": the forged id stops the whole request.
    assert (
        here.post(
            reverse("usersessions_list"), {"session": bobs_row.pk, "end": "others"}
        ).status_code
        == 404
    )
    assert UserSession.objects.filter(pk=bobs_row.pk).exists()
    assert PushDevice.objects.filter(pk=device.pk).exists()
    assert bobs.get(reverse("profile")).status_code == 200
    assert here.get(reverse("profile")).status_code == 200


def test_an_empty_or_garbled_request_says_what_to_do_and_ends_nothing(make_client, alice):
    here, phone = make_client(alice), make_client(alice)
    for data in ({}, {"session": "not-a-number"}, {"end": "everyone"}):
        response = here.post(reverse("usersessions_list"), data)
        assert response.status_code == 422, data
    assert (
        "Choose a session to log out"
        in here.post(reverse("usersessions_list"), {}).content.decode()
    )
    assert UserSession.objects.filter(user=alice).count() == 2
    assert phone.get(reverse("profile")).status_code == 200


def test_ending_this_very_session_from_the_list_is_a_logout(make_client, alice):
    here = make_client(alice)
    response = here.post(reverse("usersessions_list"), {"session": row_of(here).pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not UserSession.objects.filter(user=alice).exists()


def test_last_seen_comes_from_requests_without_writing_the_database(make_client, alice):
    from accounts.sessions import last_seen

    here, phone = make_client(alice), make_client(alice)
    assert last_seen([phone.session.session_key]) == {}
    before = row_of(phone).last_seen_at
    phone.get(reverse("profile"))
    seen = last_seen([phone.session.session_key])
    assert set(seen) == {phone.session.session_key}
    assert row_of(phone).last_seen_at == before  # no write per request
    assert "last seen <time" in here.get(reverse("usersessions_list")).content.decode()
