"""Deleting an account: checked in the database afterwards, table by table."""

import json

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from couples.access import current_space
from couples.models import (
    AgendaTopic,
    Ask,
    AskAnswer,
    Couple,
    InviteAttempt,
    Membership,
    RainCheck,
    Reflection,
    Statement,
    StatementQuestion,
    TherapySession,
    TimingGrid,
)
from couples.services import linking, ownership, therapy
from tests.factories import PASSWORD, link, space_of
from tests.ownership_helpers import DAY, populate, populate_moment

pytestmark = pytest.mark.django_db

DELETE = reverse("account_delete")
User = get_user_model()


@pytest.fixture
def written(alice, bob, couple):
    return populate(alice, bob)


def delete_through_the_page(client, password=PASSWORD, confirm=True, **kwargs):
    data = {"password": password}
    if confirm:
        data["confirm"] = "on"
    return client.post(DELETE, data, **kwargs)


def rows_referencing(user_id):
    """Every row of every table that points at the user through a foreign key."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            points_at_user = field.is_relation and field.related_model is User
            if (
                points_at_user
                and model._default_manager.filter(**{field.attname: user_id}).exists()
            ):
                found.append(f"{model._meta.db_table}.{field.column}")
    return found


def database_text():
    """The whole database as text, table by table (raw SQL: every column)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT CAST(t AS text) FROM {quoted} AS t")  # noqa: S608
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks)


def sessions_of(user_id):
    return [s.pk for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user_id)]


def snapshot():
    return [
        model.objects.count()
        for model in (
            User,
            Statement,
            StatementQuestion,
            TimingGrid,
            Reflection,
            AgendaTopic,
            TherapySession,
            Membership,
            Session,
        )
    ] + [Membership.objects.current().count()]


def test_deleting_removes_everything_alice_wrote_and_every_reference_to_her(
    alice, bob, make_client, alice_client, bob_client, written
):
    alice_words, _bob_words = written
    alice_id = alice.pk
    other_device = make_client(alice)
    InviteAttempt.objects.create(user=alice)
    AccessLog.objects.create(
        username="Alice@Example.com", ip_address="192.0.2.7", user_agent="x", http_accept="*/*"
    )
    AccessAttempt.objects.create(
        username="alice@example.com",
        ip_address="192.0.2.7",
        user_agent="x",
        http_accept="*/*",
        failures_since_start=1,
    )
    bob_client.get("/")  # bob's session is stored too
    assert sessions_of(alice_id) and sessions_of(bob.pk)
    referencing = rows_referencing(alice_id)
    for column in (
        "couples_statement.author_id",
        "couples_statementquestion.asker_id",
        "couples_timinggrid.author_id",
        "couples_reflection.author_id",
        "couples_agendatopic.added_by_id",
        "couples_therapysession.created_by_id",
        "couples_invite.creator_id",
        "couples_inviteattempt.user_id",
        "couples_membership.user_id",
    ):
        assert column in referencing  # the check below can see each kind of row

    response = delete_through_the_page(alice_client)

    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert not User.objects.filter(pk=alice_id).exists()
    assert rows_referencing(alice_id) == []
    assert sessions_of(alice_id) == []
    assert sessions_of(bob.pk)  # the partner stays signed in
    assert not AccessLog.objects.filter(username__iexact="alice@example.com").exists()
    assert not AccessAttempt.objects.filter(username__iexact="alice@example.com").exists()
    everything = database_text()
    for canary in alice_words.shared_canaries():
        assert canary not in everything, canary
    assert "alice@example.com" not in everything.lower()
    assert "192.0.2.7" not in everything
    assert not Reflection.objects.filter(author_id=alice_id).exists()
    # every device of hers is signed out
    for client in (alice_client, other_device):
        page = client.get("/")
        assert page.status_code == 302 and page["Location"].startswith(reverse("account_login"))


def test_partner_turns_not_linked_and_keeps_only_what_he_wrote(
    alice, bob, alice_client, bob_client, written
):
    alice_words, bob_words = written
    delete_through_the_page(alice_client)
    assert current_space(bob) is None
    dashboard = bob_client.get("/").content.decode()
    assert 'id="linking"' in dashboard
    for canary in alice_words.all_canaries():
        assert canary not in dashboard
    assert Statement.objects.filter(author=bob, meaning=bob_words.meaning).exists()
    assert TimingGrid.objects.filter(author=bob, notes=bob_words.timing_notes).exists()
    assert {r.body for r in Reflection.objects.filter(author=bob)} == {
        bob_words.flagged,
        bob_words.unflagged,
    }
    # The session alice planned stays for the topic bob added, now without a planner.
    topic = AgendaTopic.objects.get(added_by=bob)
    assert topic.text == bob_words.topic
    assert TherapySession.objects.get(pk=topic.session_id).created_by is None
    assert AgendaTopic.objects.count() == 1
    # A question and its answer are one exchange: it went with alice's half of it.
    assert not StatementQuestion.objects.exists()
    # The couple row stays (bob's rows name it), dissolved.
    assert Couple.objects.get().dissolved_at is not None
    assert Membership.objects.filter(user=bob).get().left_at is not None
    bob_export = bob_client.get(reverse("account_export_download")).content.decode()
    for canary in alice_words.all_canaries():
        assert canary not in bob_export
    for canary in (bob_words.meaning, bob_words.topic, bob_words.timing_notes, bob_words.flagged):
        assert canary in bob_export


def test_a_session_planned_alone_goes_with_its_planner(alice, bob, alice_client, couple):
    session = therapy.plan_session(space=space_of(alice), planned_for=DAY)
    therapy.add_topic(space=space_of(alice), session_id=session.pk, text="Only mine")
    kept = therapy.plan_session(space=space_of(bob), planned_for=DAY)
    therapy.add_topic(space=space_of(alice), session_id=kept.pk, text="Mine, in bob's session")
    delete_through_the_page(alice_client)
    assert list(TherapySession.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AgendaTopic.objects.exists()


def test_wrong_password_says_so_and_deletes_nothing(alice, alice_client, written):
    before = snapshot()
    response = delete_through_the_page(alice_client, password="not my password")
    assert response.status_code == 422
    assert "That password does not match. Nothing was deleted." in response.content.decode()
    assert snapshot() == before
    assert alice_client.get("/").status_code == 200  # still signed in


def test_missing_confirmation_or_password_deletes_nothing(alice_client, written):
    before = snapshot()
    unticked = delete_through_the_page(alice_client, confirm=False)
    assert unticked.status_code == 422
    assert "Tick the box to confirm" in unticked.content.decode()
    empty = delete_through_the_page(alice_client, password="")
    assert empty.status_code == 422
    assert "Enter your password" in empty.content.decode()
    assert snapshot() == before


def test_too_many_wrong_passwords_end_the_session(alice_client, written):
    before = snapshot()
    for _ in range(4):
        assert delete_through_the_page(alice_client, password="nope").status_code == 422
    last = delete_through_the_page(alice_client, password="nope")
    assert last.status_code == 302 and last["Location"] == reverse("account_login")
    assert alice_client.get("/").status_code == 302
    assert snapshot()[:-2] == before[:-2]  # nothing deleted (sessions aside)


def test_deletion_needs_the_csrf_token(alice_client, written):
    before = snapshot()
    response = delete_through_the_page(alice_client, csrf=False)
    assert response.status_code == 403
    assert snapshot() == before


def test_anonymous_is_sent_to_login(anon_client, written):
    before = snapshot()
    page = anon_client.get(DELETE)
    assert page.status_code == 302 and page["Location"].startswith(reverse("account_login"))
    post = delete_through_the_page(anon_client)
    assert post.status_code == 302 and post["Location"].startswith(reverse("account_login"))
    htmx = delete_through_the_page(anon_client, htmx=True)
    assert htmx.status_code == 401
    assert snapshot() == before


def test_outsider_deleting_herself_touches_nobody_else(carol, carol_client, written):
    before = snapshot()
    page = carol_client.get(DELETE)
    assert page.status_code == 200
    assert "Alice" not in page.content.decode() and "Bob" not in page.content.decode()
    assert delete_through_the_page(carol_client).status_code == 302
    after = snapshot()
    assert after[0] == before[0] - 1  # one user fewer
    assert after[1:8] == before[1:8]  # every content table unchanged, memberships too
    assert Membership.objects.current().count() == 2


def test_page_names_the_partner_who_keeps_their_words(alice_client, written):
    html = alice_client.get(DELETE).content.decode()
    assert "Bob keeps what they wrote" in html
    assert reverse("account_export") in html


def test_deleting_after_an_unlink_works_the_same(alice, bob, alice_client, written):
    alice_id = alice.pk
    linking.unlink(user=bob)
    assert delete_through_the_page(alice_client).status_code == 302
    assert rows_referencing(alice_id) == []
    assert TimingGrid.objects.filter(author=bob).exists()


def test_service_refuses_a_wrong_password_directly(alice, written):
    with pytest.raises(ownership.WrongPassword):
        ownership.delete_account(user=alice, password="wrong")
    with pytest.raises(ownership.WrongPassword):
        ownership.delete_account(user=alice, password="")
    assert User.objects.filter(pk=alice.pk).exists()


def test_session_engine_is_the_database():
    # Deletion ends sessions by deleting their rows: that only holds for this engine.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_deletion_switches_the_partner_live_and_closes_the_persons_sockets(
    alice, bob, couple, monkeypatch, django_capture_on_commit_callbacks
):
    from couples.services.ownership import delete_account
    from realtime import broadcast
    from tests.factories import PASSWORD

    sent = []
    monkeypatch.setattr(broadcast, "send_rollback_unsafe", lambda g, e, **kw: sent.append((g, e)))
    alice_id = alice.pk
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=alice, password=PASSWORD)
    groups = [group for group, _event in sent]
    assert f"user.{bob.pk}" in groups  # bob's dashboard switches to "not linked"
    assert {"type": "session.check", "ended": ""} in [
        event for group, event in sent if group == f"user.{alice_id}"
    ]
    assert not any(group.startswith("couple.") for group in groups)


def test_deleting_leaves_no_row_or_word_of_her_asks_decline_cards_or_rain_checks(
    alice, bob, alice_client, bob_client, written
):
    alice_moment, bob_moment = populate_moment(alice, bob)
    alice_id = alice.pk
    referencing = rows_referencing(alice_id)
    for column in (
        "couples_ask.asker_id",
        "couples_askanswer.author_id",
        "couples_raincheck.owner_id",
    ):
        assert column in referencing  # the check below can see each kind of row
    bobs_asks = sorted(Ask.objects.filter(asker=bob).values_list("pk", flat=True))
    assert delete_through_the_page(alice_client).status_code == 302
    assert rows_referencing(alice_id) == []
    everything = database_text()
    for canary in alice_moment.canaries():
        assert canary not in everything, canary
    # Bob's asks stay his (the ones alice answered, without her answer), and so
    # does his rain check; his own words are all still there.
    assert sorted(Ask.objects.filter(asker=bob).values_list("pk", flat=True)) == bobs_asks
    for canary in bob_moment.ask_canaries():
        assert canary in everything, canary
    assert RainCheck.objects.filter(owner=bob).count() == 1
    assert not AskAnswer.objects.filter(ask__asker=bob).exists()
    dashboard = bob_client.get("/").content.decode()
    for canary in alice_moment.canaries():
        assert canary not in dashboard


def test_the_partners_answers_to_her_proposals_and_his_asks_for_them_survive_her_deletion(
    alice, bob, carol, alice_client, bob_client, couple
):
    """A way to be close alice proposed is the question bob answered: his answer
    and his ask for it are his, so the activity stays (its name, no author) in
    the dissolved couple's list. Her own answers go, and one nobody else needs
    goes with her."""
    from couples.models import AlternativeActivity, AlternativeAnswer
    from couples.services import alternatives, moment

    propose = alternatives.propose_activity
    answer = alternatives.answer_activity
    answered = propose(space=space_of(alice), name="Alice-proposal-bob-answered")
    agreed = propose(space=space_of(alice), name="Alice-proposal-agreed")
    unneeded = propose(space=space_of(alice), name="Alice-proposal-nobody-else-answered")
    bobs = propose(space=space_of(bob), name="Bob-proposal")
    answer(space=space_of(alice), activity_id=answered.pk, answer="no")
    answer(space=space_of(bob), activity_id=answered.pk, answer="maybe")
    for person in (alice, bob):
        answer(space=space_of(person), activity_id=agreed.pk, answer="yes")
    answer(space=space_of(alice), activity_id=unneeded.pk, answer="maybe")
    answer(space=space_of(alice), activity_id=bobs.pk, answer="no")
    bobs_ask = moment.ask(
        space=space_of(bob), kind="alternative", activity_id=agreed.pk, words="Bob-ask-words"
    )
    alice_id = alice.pk

    assert delete_through_the_page(alice_client).status_code == 302

    assert rows_referencing(alice_id) == []
    kept = {a.pk: a for a in AlternativeActivity.objects.filter(couple=couple)}
    assert set(kept) == {answered.pk, agreed.pk, bobs.pk}
    assert kept[answered.pk].name == "Alice-proposal-bob-answered"
    assert kept[answered.pk].author_id is None and kept[bobs.pk].author == bob
    # Bob's answers are all still his; not one of hers is left anywhere.
    assert sorted(
        AlternativeAnswer.objects.values_list("user_id", "activity_id", "answer")
    ) == sorted([(bob.pk, answered.pk, "maybe"), (bob.pk, agreed.pk, "yes")])
    # His ask still names the agreed way to be close it asked for.
    bobs_ask.refresh_from_db()
    assert bobs_ask.activity_id == agreed.pk
    export = json.loads(bob_client.get(reverse("account_export_download")).content)
    assert sorted((a["activity"], a["answer"]) for a in export["alternative_answers"]) == [
        ("Alice-proposal-agreed", "yes"),
        ("Alice-proposal-bob-answered", "maybe"),
    ]
    assert [a["activity"] for a in export["asks"]] == ["Alice-proposal-agreed"]
    everything = database_text()
    assert "Alice-proposal-nobody-else-answered" not in everything
    # The kept activities belong to the dissolved couple: a new partner never sees them.
    link(bob, carol)
    propose(space=space_of(carol), name="Carol-proposal")
    page = bob_client.get(reverse("alternatives")).content.decode()
    assert "Carol-proposal" in page
    assert "Alice-proposal" not in page and "Bob-proposal" not in page
