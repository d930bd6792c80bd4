"""Discreet notifications, delivered for real: the app encrypts and signs Web
Push messages to a local push endpoint (tests/push_support.py), which decrypts
them with the subscription's own keys; the exact payload is asserted.

Tasks are enqueued in django-tasks' database backend and run from there
(test_push_worker.py runs a separate worker process)."""

import datetime
import json
import re
import zoneinfo

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.timezones import zone_of
from couples import push
from couples.domain.moment import PART_KEYS, Slot
from couples.models import (
    AlternativeAnswer,
    Notice,
    NoticeKind,
    NotificationChoice,
    PushDevice,
)
from couples.services import (
    alternatives,
    linking,
    moment,
    notifications,
    reflections,
    statements,
    therapy,
)
from couples.tasks import DISCREET, TITLE, quiet_until
from tests.factories import space_of
from tests.push_support import vapid_claims

pytestmark = pytest.mark.django_db


def run_tasks():
    """Every task that is due, claimed and run the way django-tasks-db's worker
    does (its command closes connections, which a test transaction cannot
    survive; test_push_worker.py runs the real worker process)."""
    while (row := DBTaskResult.objects.ready().order_by("enqueued_at", "id").first()) is not None:
        row.claim("tests")
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.set_successful(None)


def subscribe(client, subscriber):
    """What static/js/push.js sends after PushManager.subscribe()."""
    return Client.post(
        client,
        reverse("notification_device_add"),
        json.dumps(subscriber.subscription()),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.csrf_token(),
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36",
    )


def choose(user, *kinds, detail=False, quiet=(datetime.time(0, 0), datetime.time(0, 0))):
    return notifications.save_choice(
        user=user, kinds=kinds, detail=detail, quiet_start=quiet[0], quiet_end=quiet[1]
    )


@pytest.fixture
def bob_listens(endpoint, couple, bob, bob_client):
    """Bob has this browser subscribed and chose every kind (no quiet hours)."""
    subscriber = endpoint.subscriber("bob")
    assert subscribe(bob_client, subscriber).status_code == 201
    choose(bob, *NoticeKind.values)
    return subscriber


def ask(run, user, **kwargs):
    return run(moment.ask, space=space_of(user), kind="closeness", **kwargs)


def test_push_an_ask_arrives_encrypted_signed_and_discreet(endpoint, bob_listens, run, alice):
    ask(run, alice, words="Qz7-ask-words")
    run_tasks()
    received = endpoint.take()
    assert received.path.startswith("/push/bob-")
    assert received.headers["ttl"] == str(push.TTL_SECONDS)
    payload = bob_listens.decrypt(received)
    notice = Notice.objects.get()
    assert payload == {
        "title": TITLE,
        "body": DISCREET,
        "tag": payload["tag"],
        "url": "/#moment",
    }
    assert payload["body"] == "Something new from your partner"
    # The tag collapses one moment's notifications, and says nothing itself.
    assert re.fullmatch(r"cg-[0-9a-f]{16}", payload["tag"])
    assert payload["tag"] != f"ask:{notice.about_id}"
    claims = vapid_claims(received, push.public_key())
    assert claims["aud"] == endpoint.origin
    assert claims["sub"].startswith("mailto:")
    assert claims["exp"] > timezone.now().timestamp()
    # Nothing in the request outside the encrypted body says anything either.
    assert b"Qz7" not in received.body
    assert not any("Qz7" in value for value in received.headers.values())
    assert Notice.objects.get().state == Notice.SENT
    assert endpoint.nothing_received()


def _answer_payload(endpoint, subscriber, run, alice, bob, answer):
    """Alice asks, Bob answers with ``answer``; what reaches Alice's phone."""
    item = ask(run, alice)
    run(answer, space=space_of(bob), ask_id=item.pk)
    run_tasks()
    return subscriber.decrypt(endpoint.take())


@pytest.mark.parametrize("detail", [False, True], ids=["discreet", "detail"])
def test_push_a_not_now_reads_exactly_like_a_yes(
    endpoint, couple, alice, bob, alice_client, run, detail
):
    subscriber = endpoint.subscriber("alice")
    assert subscribe(alice_client, subscriber).status_code == 201
    choose(alice, NoticeKind.ANSWER, detail=detail)
    said_yes = _answer_payload(endpoint, subscriber, run, alice, bob, moment.answer_yes)
    run(moment.reply, space=space_of(alice), ask_id=Notice.objects.get().about_id, reply="")

    def not_now(space, ask_id):
        card = moment.clean_card(space, reason="Qz7-decline-reason", love="Qz7-love")
        return moment.decline(space=space, ask_id=ask_id, card=card)

    said_not_now = _answer_payload(endpoint, subscriber, run, alice, bob, not_now)
    assert said_not_now["body"] == said_yes["body"]
    assert said_not_now["title"] == said_yes["title"] == TITLE
    assert said_not_now["url"] == said_yes["url"]
    expected = "Bob answered your ask" if detail else DISCREET
    assert said_not_now["body"] == expected
    for word in ("not now", "no", "declin", "Qz7"):
        assert word not in json.dumps(said_not_now).lower().replace("notice", "")


def test_push_the_decliner_hears_nothing_of_their_own_answer(
    endpoint, bob_listens, run, alice, bob
):
    """Bob declines Alice's ask: Bob's own devices get nothing for it."""
    item = ask(run, alice)
    run_tasks()
    endpoint.take()  # the ask itself
    card = moment.clean_card(space_of(bob), reason="tired")
    run(moment.decline, space=space_of(bob), ask_id=item.pk, card=card)
    run_tasks()
    assert endpoint.nothing_received()
    assert list(Notice.objects.values_list("person_id", "kind")) == [(bob.pk, "ask")]


def test_push_nothing_is_ever_sent_about_private_answers_reflections_or_patterns(
    endpoint, couple, alice, bob, alice_client, bob_client, run
):
    for person, client in ((alice, alice_client), (bob, bob_client)):
        assert subscribe(client, endpoint.subscriber(person.display_name)).status_code == 201
        choose(person, *NoticeKind.values, detail=True)
    activity = run(alternatives.propose_activity, space=space_of(alice), name="A long walk")
    run(
        alternatives.answer_activity,
        space=space_of(bob),
        activity_id=activity.pk,
        answer=AlternativeAnswer.MAYBE,
    )
    run(
        reflections.write_reflection,
        author=bob,
        body="Qz7-private",
        need="",
        old_story="",
        bring_to_therapy=False,
    )
    bob_client.get(reverse("patterns"))
    run_tasks()
    assert endpoint.nothing_received()
    assert not Notice.objects.exists()
    # No kind exists for them at all.
    assert set(NoticeKind.values) == {
        "ask",
        "answer",
        "rain_check",
        "agenda",
        "statement",
        "homework",
    }


def test_push_nothing_is_recorded_for_someone_who_chose_nothing(
    endpoint, couple, alice, bob, bob_client, run
):
    assert subscribe(bob_client, endpoint.subscriber()).status_code == 201  # a device, no kinds
    ask(run, alice)
    assert not Notice.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="couples.").exists()


def test_push_no_repeats_a_statement_edited_all_day_is_one_notification(
    endpoint, bob_listens, run, alice
):
    space = space_of(alice)
    fields = dict(
        reason="tired", meaning="I am tired", not_meaning="not about you", reassurance="I love you"
    )
    item = run(statements.add_statement, space=space, **fields)
    for n in range(3):
        fields["meaning"] = f"I am tired ({n})"
        item = run(
            statements.edit_statement,
            space=space,
            statement_id=item.pk,
            version=item.version,
            **fields,
        )
    run_tasks()
    payload = bob_listens.decrypt(endpoint.take())
    assert payload["url"] == "/#statements"
    assert endpoint.nothing_received()
    assert Notice.objects.count() == 1


def test_push_no_longer_news_is_never_sent(endpoint, bob_listens, run, alice):
    item = ask(run, alice)
    run(moment.withdraw, space=space_of(alice), ask_id=item.pk)
    run_tasks()
    assert endpoint.nothing_received()
    assert Notice.objects.get().state == Notice.SKIPPED


def test_push_a_kind_turned_off_before_delivery_is_not_sent(endpoint, bob_listens, run, alice, bob):
    ask(run, alice)
    choose(bob, NoticeKind.STATEMENT)
    run_tasks()
    assert endpoint.nothing_received()


def test_push_agenda_change_only_in_the_day_before_the_session(endpoint, bob_listens, run, alice):
    space = space_of(alice)
    today = timezone.localdate()
    far = run(therapy.plan_session, space=space, planned_for=today + datetime.timedelta(days=5))
    run(therapy.add_topic, space=space, session_id=far.pk, text="money")
    near = run(therapy.plan_session, space=space, planned_for=today + datetime.timedelta(days=1))
    run(therapy.add_topic, space=space, session_id=near.pk, text="weekends")
    run(therapy.add_topic, space=space, session_id=near.pk, text="in-laws")
    run_tasks()
    payload = bob_listens.decrypt(endpoint.take())
    assert payload["url"] == "/#therapy"
    assert endpoint.nothing_received()
    assert list(Notice.objects.values_list("about_id", flat=True)) == [near.pk]


def _slot_later_today_or_tomorrow():
    now = timezone.localtime()
    for offset in (0, 1):
        for part in PART_KEYS:
            slot = Slot(now.date() + datetime.timedelta(days=offset), part)
            if slot.starts(now.tzinfo) > now + datetime.timedelta(hours=1):
                return slot
    raise AssertionError("no slot ahead")


def test_push_rain_check_reminds_only_its_owner_at_its_time(
    endpoint, couple, alice, bob, alice_client, bob_client, run
):
    for person, client in ((alice, alice_client), (bob, bob_client)):
        assert subscribe(client, endpoint.subscriber(person.display_name)).status_code == 201
        choose(person, NoticeKind.RAIN_CHECK)
    item = ask(run, alice)
    slot = _slot_later_today_or_tomorrow()
    card = moment.clean_card(space_of(bob), reason="tired", rain_check=slot.key)
    run(moment.decline, space=space_of(bob), ask_id=item.pk, card=card)
    notice = Notice.objects.get()
    assert (notice.person_id, notice.kind) == (bob.pk, "rain_check")
    assert notice.due_at == slot.starts(timezone.get_current_timezone())
    task = DBTaskResult.objects.get(task_path="couples.tasks.deliver_notice")
    assert task.run_after == notice.due_at
    run_tasks()
    assert endpoint.nothing_received()  # not before its time


def test_push_a_moved_rain_check_forgets_its_old_time(
    endpoint, couple, alice, bob, bob_client, run
):
    subscriber = endpoint.subscriber()
    assert subscribe(bob_client, subscriber).status_code == 201
    choose(bob, NoticeKind.RAIN_CHECK)
    item = ask(run, alice)
    slot = _slot_later_today_or_tomorrow()
    card = moment.clean_card(space_of(bob), reason="tired", rain_check=slot.key)
    answer = run(moment.decline, space=space_of(bob), ask_id=item.pk, card=card)
    rain_check = answer.rain_checks.get()
    later = Slot(slot.day + datetime.timedelta(days=1), slot.part)
    run(
        moment.move_rain_check,
        space=space_of(bob),
        rain_check_id=rain_check.pk,
        rain_check=later.key,
        version=rain_check.version,
    )
    old, new = Notice.objects.order_by("pk")
    # Deliver the old one now (as if its time had come): it is no longer news.
    DBTaskResult.objects.update(run_after=timezone.now())
    run_tasks()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.state == Notice.SKIPPED
    assert new.state == Notice.SENT
    assert subscriber.decrypt(endpoint.take())["url"] == "/#moment"
    assert endpoint.nothing_received()


def test_notif_quiet_hours_wait_for_their_end_in_the_persons_time(
    endpoint, bob_listens, run, alice, bob
):
    # Bob's evening is another day in UTC: his quiet hours are his own.
    bob.time_zone = "Pacific/Auckland"
    bob.save(update_fields=["time_zone"])
    now = timezone.now()
    zone = zone_of(bob)
    local = now.astimezone(zone)
    start = (local - datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + datetime.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    choose(bob, *NoticeKind.values, quiet=(start, end))
    ask(run, alice)
    run_tasks()
    assert endpoint.nothing_received()
    notice = Notice.objects.get()
    assert notice.state == Notice.PENDING
    assert notice.due_at > now
    assert notice.due_at.astimezone(zone).time() == end
    waiting = DBTaskResult.objects.filter(task_path="couples.tasks.deliver_notice", status="READY")
    assert [t.run_after for t in waiting if t.run_after] == [notice.due_at]


@pytest.mark.parametrize(
    ("zone", "utc_now", "expected_end"),
    [
        # 23:30 in Auckland (NZDT, +13) is 10:30 UTC: quiet, until 08:00 Auckland = 19:00 UTC.
        ("Pacific/Auckland", "2026-12-03T10:30", "2026-12-03T19:00"),
        # 10:30 UTC is 02:30 in Los Angeles (PST, -8): quiet until 08:00 there = 16:00 UTC.
        ("America/Los_Angeles", "2026-12-03T10:30", "2026-12-03T16:00"),
        # 10:30 UTC is 11:30 in Berlin: not quiet.
        ("Europe/Berlin", "2026-12-03T10:30", None),
        # 22:00 sharp in Los Angeles (06:00 UTC next day) is quiet until 08:00 the next morning.
        ("America/Los_Angeles", "2026-12-04T06:00", "2026-12-04T16:00"),
    ],
)
def test_notif_quiet_hours_across_time_zones(zone, utc_now, expected_end):
    choice = NotificationChoice(quiet_start=datetime.time(22), quiet_end=datetime.time(8))
    now = datetime.datetime.fromisoformat(utc_now).replace(tzinfo=datetime.UTC)
    end = quiet_until(choice, zoneinfo.ZoneInfo(zone), now)
    if expected_end is None:
        assert end is None
    else:
        assert end == datetime.datetime.fromisoformat(expected_end).replace(tzinfo=datetime.UTC)


def test_notif_quiet_hours_within_one_day_and_none():
    now = datetime.datetime(2026, 12, 3, 13, 0, tzinfo=datetime.UTC)
    lunch = NotificationChoice(quiet_start=datetime.time(12), quiet_end=datetime.time(14))
    assert quiet_until(lunch, datetime.UTC, now) == now.replace(hour=14)
    never = NotificationChoice(quiet_start=datetime.time(9), quiet_end=datetime.time(9))
    assert quiet_until(never, datetime.UTC, now) is None


def test_push_a_gone_subscription_is_removed(endpoint, bob_listens, run, alice):
    endpoint.answers.append(410)
    ask(run, alice)
    run_tasks()
    endpoint.take()
    assert not PushDevice.objects.exists()


def test_push_a_failing_push_service_is_tried_again_later(endpoint, bob_listens, run, alice):
    endpoint.answers.append(503)
    ask(run, alice)
    before = timezone.now()
    run_tasks()
    endpoint.take()
    assert PushDevice.objects.count() == 1
    retry = DBTaskResult.objects.get(task_path="couples.tasks.push_again")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= before + datetime.timedelta(minutes=2)
    # When its time comes, it is delivered.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    assert bob_listens.decrypt(endpoint.take())["body"] == DISCREET


# --- devices belong to a session ---------------------------------------------------


def test_push_subscribing_refuses_what_is_not_a_push_service(endpoint, bob_client, couple):
    for url in (
        "https://169.254.169.254/latest/meta-data",
        "https://example.com/push",
        "https://fcm.googleapis.com.evil.example/x",
        "ftp://127.0.0.1/x",
    ):
        subscriber = endpoint.subscriber()
        subscriber.endpoint = url
        response = subscribe(bob_client, subscriber)
        assert response.status_code == 400, url
        assert response.json()["error"]
    bad_keys = endpoint.subscriber()
    data = bad_keys.subscription()
    data["keys"]["p256dh"] = "not-a-key"
    response = Client.post(
        bob_client,
        reverse("notification_device_add"),
        json.dumps(data),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=bob_client.csrf_token(),
    )
    assert response.status_code == 400
    assert not PushDevice.objects.exists()


def test_push_https_only_outside_tests(settings, bob_client, couple):
    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1", "fcm.googleapis.com"]
    settings.PUSH_ALLOW_HTTP = False
    assert push.endpoint_problem("http://127.0.0.1:9/x") is not None
    assert push.endpoint_problem("https://fcm.googleapis.com/fcm/send/abc") is None
    assert push.endpoint_problem("https://user:pw@fcm.googleapis.com/x") is not None


def test_push_device_is_bound_to_its_session_and_logout_removes_it(
    endpoint, bob_listens, bob_client
):
    device = PushDevice.objects.get()
    assert device.session.session_key == bob_client.session.session_key
    assert device.label == "Chrome on Android"
    bob_client.post(reverse("account_logout"))
    assert not PushDevice.objects.exists()


def test_push_ending_the_session_elsewhere_removes_it(endpoint, bob_listens, bob):
    from accounts.sessions import end_all_sessions

    end_all_sessions(bob)
    assert not PushDevice.objects.exists()


def test_push_password_change_removes_every_device(endpoint, bob_listens, bob, bob_client):
    from tests.factories import PASSWORD

    response = bob_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a new long passphrase 42",
            "password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert not PushDevice.objects.exists()


def test_push_unlinking_removes_both_partners_devices(endpoint, bob_listens, alice, alice_client):
    assert subscribe(alice_client, endpoint.subscriber("alice")).status_code == 201
    assert PushDevice.objects.count() == 2
    linking.unlink(user=alice)
    assert not PushDevice.objects.exists()


def test_push_account_deletion_removes_devices(endpoint, bob_listens, bob):
    from couples.services.ownership import delete_account
    from tests.factories import PASSWORD

    delete_account(user=bob, password=PASSWORD)
    assert not PushDevice.objects.exists()
    assert not NotificationChoice.objects.exists()


def test_push_a_shared_browser_belongs_to_whoever_subscribed_last(
    endpoint, couple, alice_client, bob_client, bob
):
    subscriber = endpoint.subscriber("shared")
    assert subscribe(alice_client, subscriber).status_code == 201
    assert subscribe(bob_client, subscriber).status_code == 201
    assert list(PushDevice.objects.values_list("person_id", flat=True)) == [bob.pk]


def test_push_remove_and_forget_only_my_own_devices(
    endpoint, couple, alice, bob_listens, alice_client, bob_client
):
    device = PushDevice.objects.get()
    assert (
        alice_client.post(reverse("notification_device_remove", args=[device.pk])).status_code
        == 404
    )
    response = Client.post(
        alice_client,
        reverse("notification_device_forget"),
        json.dumps({"endpoint": device.endpoint}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=alice_client.csrf_token(),
    )
    assert response.status_code == 204
    assert PushDevice.objects.filter(pk=device.pk).exists()
    assert (
        bob_client.post(reverse("notification_device_remove", args=[device.pk])).status_code == 302
    )
    assert not PushDevice.objects.exists()


# --- the page --------------------------------------------------------------------


def test_notif_choices_are_off_until_chosen_and_saved_without_javascript(bob_client, bob):
    page = bob_client.get(reverse("notifications"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "checked" not in html.split('id="notify-choices"')[1].split("</form>")[0]
    response = bob_client.post(
        reverse("notifications"),
        {"kinds": ["ask", "agenda"], "quiet_start": "21:30", "quiet_end": "07:15"},
    )
    assert response.status_code == 302
    choice = NotificationChoice.objects.get(person=bob)
    assert (choice.ask, choice.agenda, choice.answer, choice.detail) == (True, True, False, False)
    assert (choice.quiet_start, choice.quiet_end) == (datetime.time(21, 30), datetime.time(7, 15))
    follow = bob_client.get(reverse("notifications"))
    assert "Saved." in follow.content.decode()


def test_notif_bad_quiet_hours_are_refused_and_nothing_is_lost(bob_client, bob):
    response = bob_client.post(
        reverse("notifications"), {"kinds": ["ask"], "quiet_start": "late", "quiet_end": "08:00"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Please choose a time from the list, e.g. 22:00." in html
    assert 'value="ask"' in html and "checked" in html.split('value="ask"')[1][:40]
    assert not NotificationChoice.objects.exists()


def test_notif_the_page_lists_my_devices_never_their_keys(endpoint, bob_listens, bob_client):
    html = bob_client.get(reverse("notifications")).content.decode()
    device = PushDevice.objects.get()
    assert "Chrome on Android" in html
    assert device.endpoint not in html and device.p256dh not in html and device.auth not in html


def test_push_export_lists_my_devices_not_their_keys(endpoint, bob_listens, bob, bob_client):
    from couples.export import build_export as export_for

    data = export_for(bob)
    text = json.dumps(data, default=str)
    device = PushDevice.objects.get()
    assert data["notifications"]["devices"] == [
        {
            "device": "Chrome on Android",
            "since": device.created_at.isoformat(),
            "last_notified": None,
        }
    ]
    assert data["notifications"]["choices"]["ask"] is True
    assert device.endpoint not in text and device.p256dh not in text and device.auth not in text


def test_push_a_session_row_is_required(endpoint, couple, bob, bob_client):
    """A subscription always belongs to a session (allauth's record of it)."""
    UserSession.objects.all().delete()
    assert subscribe(bob_client, endpoint.subscriber()).status_code == 201
    assert PushDevice.objects.get().session.session_key == bob_client.session.session_key
