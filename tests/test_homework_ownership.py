"""Homework in the export and in account deletion: each person's own words,
and the partner's times outlive the proposer."""

import datetime
import json

import jsonschema
import pytest
from django.conf import settings

from couples.export import build_export
from couples.models import Homework, HomeworkOccurrence, StageConfirmation
from couples.services import homework as service
from couples.services import ownership
from tests.factories import space_of
from tests.test_ownership_delete import database_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def validate(document):
    schema = json.loads((settings.BASE_DIR / "docs" / "export-schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


@pytest.fixture
def shared(alice, bob, couple):
    focus = service.propose_homework(space=space_of(alice), exercise="sensate_focus", text="Hmw-a")
    service.accept_homework(space=space_of(bob), homework_id=focus.pk)
    service.mark_done(space=space_of(alice), homework_id=focus.pk, done_on=TODAY(), note="Hmw-an")
    service.mark_done(space=space_of(bob), homework_id=focus.pk, done_on=TODAY(), note="Hmw-bn")
    service.confirm_stage(space=space_of(bob), homework_id=focus.pk, stage=1)
    alone = service.propose_homework(space=space_of(alice), text="Hmw-alone")
    bobs = service.propose_homework(space=space_of(bob), text="Hmw-bobs-words")
    service.accept_homework(space=space_of(alice), homework_id=bobs.pk)
    service.mark_done(space=space_of(alice), homework_id=bobs.pk, done_on=TODAY(), note="Hmw-an2")
    return focus, alone, bobs


def test_homework_export_holds_my_proposals_times_and_confirmations_only(alice, bob, shared):
    focus, _alone, _bobs = shared
    document = build_export(alice)
    validate(document)
    assert [row["text"] for row in document["homework_proposed"]] == ["Hmw-a", "Hmw-alone"]
    assert sorted(row["note"] for row in document["homework_done"]) == ["Hmw-an", "Hmw-an2"]
    text = str(document)
    assert "Hmw-bn" not in text and "Hmw-bobs-words" not in text  # bob's words
    assert build_export(bob)["stage_confirmations"] == [
        {
            "couple": focus.couple_id,
            "homework": focus.pk,
            "exercise": "sensate_focus",
            "stage": 1,
            "created_at": StageConfirmation.objects.get().created_at.isoformat(),
        }
    ]


def test_homework_deleting_an_account_keeps_what_the_partner_did_and_nothing_of_hers(
    alice, bob, shared
):
    focus, alone, bobs = shared
    ownership.delete_account(user=alice, confirmed_just_now=True)
    # Her proposal nobody else marked: gone. The one bob did: stays, without her.
    assert not Homework.objects.filter(pk=alone.pk).exists()
    focus.refresh_from_db()
    assert focus.proposed_by is None
    assert list(HomeworkOccurrence.objects.values_list("note", flat=True)) == ["Hmw-bn"]
    # bob's own proposal stays his; her notes on it went with her.
    assert Homework.objects.get(pk=bobs.pk).proposed_by == bob
    assert StageConfirmation.objects.get().person == bob
    everything = database_text()
    for hers in ("Hmw-an", "Hmw-an2", "Hmw-alone"):
        assert hers not in everything
