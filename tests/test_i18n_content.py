"""The product's own words in Spanish: the starter phrasings of "what my no
means", the built-in alternative activities, and a few sentences built in
Python.

The Spanish ones need the compiled catalogue (locale/es/LC_MESSAGES/django.mo,
made by scripts/messages from the fragments under locale/es/fragments/): without
it they are skipped, saying so, and with it they fail on any phrasing or name
that still comes out in English. The English ones and the catalogue mapping
need nothing.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from couples.domain import patterns as words
from couples.domain.catalogue import CATALOGUE_NAMES
from couples.domain.starters import FIELDS, STARTERS, starter_initial, starters
from couples.models import AlternativeActivity, Reason, Statement
from couples.parts import alternatives as alternatives_part
from couples.services import alternatives as alternatives_service
from couples.services import statements as statements_service
from tests.factories import space_of

SPANISH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.mo"
needs_spanish = pytest.mark.skipif(
    not SPANISH_CATALOGUE.exists(),
    reason="needs the compiled Spanish catalogue (scripts/messages folds and compiles it)",
)


def _english(lazy_text):
    with translation.override("en"):
        return str(lazy_text)


def _spanish(lazy_text):
    with translation.override("es"):
        return str(lazy_text)


# --- English, unchanged ------------------------------------------------------------


def test_starter_phrasings_read_as_before_in_english():
    assert _english(STARTERS[Reason.TIRED]["meaning"]) == (
        "When I say no late in the day, it usually means my body is done. "
        "I have nothing left, and I would rather rest than be half there with you."
    )
    assert _english(STARTERS[Reason.OTHER]["rain_check"]) == "What makes a yes likelier for me is …"


@pytest.mark.django_db
def test_every_catalogue_row_has_a_translatable_name_equal_to_its_english_name():
    rows = {a.catalogue_key: a.name for a in AlternativeActivity.objects.filter(couple=None)}
    assert set(rows) == set(CATALOGUE_NAMES)  # a new catalogue row needs its msgid here
    for key, name in rows.items():
        assert _english(CATALOGUE_NAMES[key]) == name


@pytest.mark.django_db
def test_a_couples_own_activity_is_shown_exactly_as_written_in_any_language(couple, alice):
    proposed = alternatives_service.propose_activity(
        space=space_of(alice), name="Kissing in the rain"
    )
    assert proposed.catalogue_key is None
    assert _spanish(proposed.display_name) == "Kissing in the rain"


# --- Spanish (with the compiled catalogue) ---------------------------------------------


@needs_spanish
def test_starter_phrasings_and_their_labels_come_out_in_spanish():
    with translation.override("es"):
        rendered = starters()
        for reason in Reason:
            for field in FIELDS:
                english = _english(STARTERS[reason][field])
                assert str(STARTERS[reason][field]) != english, (reason, field)
        for starter in rendered:
            for _field, label, text in starter["pieces"]:
                assert str(label) != _english(label)
                assert str(text) != _english(text)


@needs_spanish
def test_catalogue_names_come_out_in_spanish():
    for key, name in CATALOGUE_NAMES.items():
        assert _spanish(name) != _english(name), key


@needs_spanish
@pytest.mark.django_db
def test_the_shared_list_shows_a_catalogue_activity_in_the_readers_language(couple, alice, bob):
    hug = AlternativeActivity.objects.get(catalogue_key="cuddling")
    for person in (alice, bob):
        alternatives_service.answer_activity(
            space=space_of(person), activity_id=hug.pk, answer="yes"
        )
    # A part is rendered in its reader's own language (accounts.languages.as_person).
    bob.language = "es"
    bob.save(update_fields=["language"])
    html = alternatives_part.SHARED.render(space_of(bob), csrf_token="t")
    assert _spanish(CATALOGUE_NAMES["cuddling"]) in html
    assert "Cuddling" not in html
    bob.language = "en"
    bob.save(update_fields=["language"])
    assert "Cuddling" in alternatives_part.SHARED.render(space_of(bob), csrf_token="t")


@needs_spanish
@pytest.mark.django_db
def test_a_statement_started_from_spanish_words_is_saved_as_written(couple, alice):
    with translation.override("es"):
        initial = {key: str(value) for key, value in starter_initial("tired").items()}
    assert initial["meaning"] != _english(STARTERS[Reason.TIRED]["meaning"])
    statement = statements_service.add_statement(
        space=space_of(alice), **{k: initial[k] for k in ("reason", *FIELDS)}
    )
    with translation.override("en"):  # never translated after saving
        assert Statement.objects.get(pk=statement.pk).meaning == initial["meaning"]


@needs_spanish
def test_pattern_sentences_are_whole_spanish_sentences():
    with translation.override("es"):
        sentence = words.rain_check_sentence({"redeemed": 1, "open": 2})
        shared = words.shared_rain_checks({"open": 1})
    assert (
        sentence
        != "You offered 3 rain checks and redeemed 1 of them; 2 still open, yours to redeem."
    )
    assert "rain check" not in sentence and "3" in sentence
    assert "rain check" not in shared
