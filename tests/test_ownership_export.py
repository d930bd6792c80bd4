"""Export: a person's own words as JSON, valid against docs/export-schema.json,
behind the password re-auth, and never holding anyone else's words."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from couples.export import build_export
from couples.services import linking, statements
from tests.factories import space_of
from tests.ownership_helpers import populate, populate_moment
from tests.reflections_helpers import forget_reauth, lapse_reauth

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "export-schema.json").read_text()
)
DOWNLOAD = reverse("account_export_download")
PAGE = reverse("account_export")


@pytest.fixture
def written(alice, bob, couple):
    return populate(alice, bob)


def validate(document):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(document)


def download(client):
    response = client.get(DOWNLOAD)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/json")
    return response, json.loads(response.content)


def test_export_validates_against_the_schema_and_holds_all_of_alices_words(alice_client, written):
    alice_words, _bob_words = written
    response, document = download(alice_client)
    validate(document)
    text = response.content.decode()
    for canary in alice_words.all_canaries():
        assert canary in text, canary
    assert document["profile"] == {
        "email": "alice@example.com",
        "display_name": "Alice",
        "joined_at": document["profile"]["joined_at"],
    }
    (statement,) = document["statements"]
    assert statement["meaning"] == alice_words.meaning
    assert [h["version"] for h in statement["history"]] == [1]
    assert statement["answers_given"] == [
        {"answer": alice_words.answer, "answered_at": statement["answers_given"][0]["answered_at"]}
    ]
    assert [q["text"] for q in document["questions_asked"]] == [alice_words.question]
    assert {r["body"]: r["bring_to_therapy"] for r in document["reflections"]} == {
        alice_words.flagged: True,
        alice_words.unflagged: False,
    }
    assert [t["text"] for t in document["agenda_topics"]] == [alice_words.topic]
    assert [s["therapist_name"] for s in document["therapy_sessions_created"]] == ["Dr. Reyes"]
    (grid,) = document["timing_grids"]
    assert grid["notes"] == alice_words.timing_notes and grid["week"]["mon"]["early"] == (
        "Usually open"
    )
    assert document["alternative_answers"] == []  # alternatives: added when merged


def test_export_never_holds_a_word_of_the_partner(alice_client, bob_client, written):
    alice_words, bob_words = written
    alice_text = alice_client.get(DOWNLOAD).content.decode()
    for canary in bob_words.all_canaries():
        assert canary not in alice_text, canary
    assert "bob@example.com" not in alice_text and "Bob" not in alice_text
    bob_text = bob_client.get(DOWNLOAD).content.decode()
    for canary in alice_words.all_canaries():
        assert canary not in bob_text, canary


def test_export_keeps_full_history_and_retired_statements(alice, alice_client, written):
    alice_words, _ = written
    statements.edit_statement(
        space=space_of(alice),
        statement_id=alice_words.statement.pk,
        version=1,
        reason="stressed",
        meaning="Second words",
        not_meaning="Still not about you.",
        reassurance="Still love our mornings.",
    )
    statements.retire_statement(space=space_of(alice), statement_id=alice_words.statement.pk)
    _, document = download(alice_client)
    validate(document)
    (statement,) = document["statements"]
    assert statement["retired_at"] is not None
    assert [(h["version"], h["meaning"]) for h in statement["history"]] == [
        (1, alice_words.meaning),
        (2, "Second words"),
    ]


def test_after_unlink_each_export_keeps_own_words_and_none_of_the_ex(
    bob, alice_client, bob_client, written
):
    alice_words, bob_words = written
    linking.unlink(user=bob)
    alice_text = alice_client.get(DOWNLOAD).content.decode()
    bob_text = bob_client.get(DOWNLOAD).content.decode()
    for canary in alice_words.all_canaries():
        assert canary in alice_text and canary not in bob_text
    for canary in bob_words.all_canaries():
        assert canary in bob_text and canary not in alice_text
    document = json.loads(alice_text)
    validate(document)
    assert document["links"][0]["unlinked_at"] is not None


def test_export_of_a_person_who_never_linked_is_valid_and_empty(carol, carol_client):
    _, document = download(carol_client)
    validate(document)
    assert document["statements"] == [] and document["links"] == []


def test_export_is_an_attachment_with_a_neutral_name_and_no_store(alice_client, written):
    response, _ = download(alice_client)
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "alice" not in response["Content-Disposition"].lower()
    assert "no-store" in response["Cache-Control"]


def test_build_export_only_reads_the_persons_own_rows(alice, bob, written):
    _alice_words, bob_words = written
    document = json.dumps(build_export(alice))
    assert all(canary not in document for canary in bob_words.all_canaries())


# --- re-auth and access ------------------------------------------------------------------


@pytest.mark.parametrize("lapse", [lapse_reauth, forget_reauth])
def test_lapsed_confirmation_sends_the_download_to_the_confirm_page(alice_client, written, lapse):
    alice_words, _ = written
    lapse(alice_client)
    response = alice_client.get(DOWNLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauth_confirm"))
    assert alice_words.flagged.encode() not in response.content
    confirm = alice_client.post(
        reverse("reauth_confirm"),
        {"reauth_password": "correct horse battery staple", "next": DOWNLOAD},
    )
    assert confirm["Location"] == DOWNLOAD
    assert alice_words.flagged in alice_client.get(DOWNLOAD).content.decode()


def test_wrong_password_on_the_confirm_page_does_not_export(alice_client, written):
    alice_words, _ = written
    lapse_reauth(alice_client)
    wrong = alice_client.post(
        reverse("reauth_confirm"), {"reauth_password": "not it at all", "next": DOWNLOAD}
    )
    assert wrong.status_code == 422
    assert alice_words.flagged.encode() not in wrong.content
    assert alice_client.get(DOWNLOAD).status_code == 302


def test_anonymous_is_sent_to_login_for_export_page_and_download(anon_client):
    for url in (PAGE, DOWNLOAD):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        htmx = anon_client.get(url, htmx=True)
        assert htmx.status_code == 401


def test_outsider_exports_only_their_own_nothing(carol_client, written):
    alice_words, bob_words = written
    text = carol_client.get(DOWNLOAD).content.decode()
    for canary in alice_words.all_canaries() + bob_words.all_canaries():
        assert canary not in text


def test_export_page_explains_and_links_the_download(alice_client):
    response = alice_client.get(PAGE)
    assert response.status_code == 200 and f'href="{PAGE}?ready=1"'.encode() in response.content
    assert reverse("account_export").encode() in alice_client.get(reverse("profile")).content


def test_feedback_for_the_export_the_page_says_it_and_starts_the_download(alice_client):
    html = alice_client.get(PAGE, {"ready": "1"}).content.decode()
    assert f'<meta http-equiv="refresh" content="0; url={DOWNLOAD}">' in html
    assert '<p class="flash flash-info">Your download is starting.</p>' in html
    assert f'href="{DOWNLOAD}"' in html  # in case it does not start by itself
    assert "Your download is starting." not in alice_client.get(PAGE).content.decode()


@pytest.mark.parametrize("lapse", [lapse_reauth, forget_reauth])
def test_feedback_for_the_export_after_the_password_ends_on_the_export_page(
    alice_client, written, lapse
):
    lapse(alice_client)
    ready = f"{PAGE}?ready=1"
    response = alice_client.get(ready)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("reauth_confirm")
    )
    assert "refresh" not in response.content.decode()
    confirm = alice_client.post(
        reverse("reauth_confirm"),
        {"reauth_password": "correct horse battery staple", "next": ready},
    )
    assert confirm["Location"] == ready
    assert 'http-equiv="refresh"' in alice_client.get(ready).content.decode()


def test_export_refuses_post(alice_client):
    assert alice_client.post(DOWNLOAD, {}).status_code == 405
    assert alice_client.post(PAGE, {}).status_code == 405
    assert alice_client.post(DOWNLOAD, {}, csrf=False).status_code in (403, 405)


def test_export_holds_my_own_alternative_answers_and_proposals_never_the_partners(
    alice, bob, alice_client, bob_client, couple
):
    from couples.models import AlternativeActivity
    from couples.services import alternatives

    first, second = AlternativeActivity.objects.filter(couple__isnull=True)[:2]
    alternatives.answer_activity(space=space_of(alice), activity_id=first.pk, answer="maybe")
    alternatives.answer_activity(space=space_of(bob), activity_id=first.pk, answer="no")
    alternatives.answer_activity(space=space_of(bob), activity_id=second.pk, answer="yes")
    alternatives.propose_activity(space=space_of(bob), name="Bob-proposal canary")
    alternatives.propose_activity(space=space_of(alice), name="Stargazing together")
    _response, document = download(alice_client)
    validate(document)
    assert document["alternative_answers"] == [
        {
            "couple": couple.pk,
            "activity": first.name,
            "answer": "maybe",
            "answered_at": document["alternative_answers"][0]["answered_at"],
        }
    ]
    assert [p["name"] for p in document["alternatives_proposed"]] == ["Stargazing together"]
    raw = json.dumps(document)
    assert "Bob-proposal canary" not in raw and '"no"' not in raw and second.name not in raw


# --- the moment: asks, decline cards, rain checks ------------------------------------------


def test_export_holds_my_asks_decline_cards_and_rain_checks_and_keeps_them_after_unlink(
    alice, bob, alice_client, bob_client, written
):
    alice_moment, bob_moment = populate_moment(alice, bob)
    for unlinked in (False, True):
        if unlinked:
            linking.unlink(user=alice)
        _response, document = download(alice_client)
        validate(document)
        assert [a["words"] for a in document["asks"]] == alice_moment.ask_canaries()
        (card, _yes) = document["answers_to_asks"]
        assert [card[k] for k in ("acknowledgement", "reason", "not_meaning", "love")] == (
            alice_moment.card_canaries()
        )
        assert [r["comes_to_you"] for r in document["rain_checks"]] == [True]
        text = json.dumps(document)
        for canary in bob_moment.canaries():
            assert canary not in text, canary
        bob_text = bob_client.get(DOWNLOAD).content.decode()
        for canary in alice_moment.canaries():
            assert canary not in bob_text, canary


def test_export_of_a_person_who_never_asked_or_declined_has_empty_moment_sections(
    carol_client, written
):
    _, document = download(carol_client)
    validate(document)
    assert document["asks"] == document["answers_to_asks"] == document["rain_checks"] == []


def test_schema_refuses_an_ask_that_says_how_it_was_answered(alice, bob, alice_client, written):
    """The schema itself keeps an answer out of an asker's export: an ask row
    with an answer, a reply or a state telling answered from ended is invalid."""
    populate_moment(alice, bob)
    _response, document = download(alice_client)
    validate(document)
    for extra in ({"answer": "not_now"}, {"reply": "thanks"}, {"closed_at": None}):
        tampered = json.loads(json.dumps(document))
        tampered["asks"][0].update(extra)
        with pytest.raises(jsonschema.ValidationError):
            validate(tampered)
    for state in ("answered", "ended"):
        tampered = json.loads(json.dumps(document))
        tampered["asks"][0]["state"] = state
        with pytest.raises(jsonschema.ValidationError):
            validate(tampered)


def test_export_file_is_named_for_the_day_where_the_person_is():
    import datetime

    from django.utils import timezone

    from couples import export

    late_utc = datetime.datetime(2026, 12, 3, 20, 0, tzinfo=datetime.UTC)
    # The request's zone is the person's own (accounts.timezones.TimeZoneMiddleware).
    with timezone.override("Pacific/Kiritimati"):  # UTC+14: already the 4th there
        assert export.filename(late_utc) == "my-data-2026-12-04.json"
    with timezone.override("UTC"):
        assert export.filename(late_utc) == "my-data-2026-12-03.json"
