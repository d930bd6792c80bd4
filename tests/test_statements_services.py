import pytest
from django.http import Http404

from couples.models import Statement, StatementQuestion, StatementRevision
from couples.services import Conflict, linking
from couples.services import statements as services
from couples.services.statements import Invalid
from tests.factories import UserFactory, link, space_of

pytestmark = pytest.mark.django_db

WORDS = {
    "reason": "tired",
    "meaning": "My body is done for the day.",
    "not_meaning": "Not that I want you less.",
    "reassurance": "I love how you reach for me.",
    "rain_check": "Ask me on Saturday morning.",
}


def write(author, **overrides):
    return services.add_statement(space=space_of(author), **{**WORDS, **overrides})


def edit(author, statement, **overrides):
    words = {**statement.content(), **overrides}
    version = overrides.pop("version", statement.version)
    words.pop("version", None)
    return services.edit_statement(
        space=space_of(author), statement_id=statement.pk, version=version, **words
    )


def test_add_statement_is_shared_in_the_authors_current_couple_with_a_first_revision(couple, alice):
    statement = write(alice)
    assert statement.couple == couple
    assert statement.author == alice
    assert statement.version == 1
    revision = statement.revisions.get()
    assert revision.version == 1
    assert revision.meaning == WORDS["meaning"]


def test_add_statement_needs_a_partner(carol):
    with pytest.raises(Http404):
        write(carol)
    assert not Statement.objects.exists()


def test_add_statement_strips_and_requires_the_main_texts(couple, alice):
    with pytest.raises(Invalid, match="What it does not mean"):
        write(alice, not_meaning="   ")
    assert not Statement.objects.exists()


def test_add_statement_rejects_an_unknown_reason(couple, alice):
    with pytest.raises(Invalid, match="reasons in the list"):
        write(alice, reason="bored")
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"),
    [("meaning", 1000), ("not_meaning", 1000), ("reassurance", 1000), ("rain_check", 500)],
)
def test_every_text_has_a_length_limit_with_a_clear_message(couple, alice, field, limit):
    write(alice, **{field: "x" * limit})
    with pytest.raises(Invalid, match=f"keep it to {limit} or fewer"):
        write(alice, **{field: "x" * (limit + 1)})
    assert Statement.objects.count() == 1


def test_edit_keeps_every_previous_version_in_history(couple, alice):
    statement = write(alice)
    statement = edit(alice, statement, meaning="Second words.")
    statement = edit(alice, statement, meaning="Third words.")
    assert statement.version == 3
    history = list(statement.revisions.values_list("version", "meaning"))
    assert history == [(3, "Third words."), (2, "Second words."), (1, WORDS["meaning"])]


def test_edit_with_nothing_changed_makes_no_new_version(couple, alice):
    statement = write(alice)
    statement = edit(alice, statement)
    assert statement.version == 1
    assert statement.revisions.count() == 1


def test_edit_from_a_stale_version_is_a_conflict_and_changes_nothing(couple, alice):
    statement = write(alice)
    edit(alice, statement, meaning="Saved first.")
    with pytest.raises(Conflict):
        edit(alice, statement, meaning="From the stale tab.", version=1)
    statement.refresh_from_db()
    assert statement.meaning == "Saved first."
    assert statement.version == 2


def test_partner_can_never_edit_or_retire(couple, alice, bob):
    statement = write(alice)
    with pytest.raises(Http404):
        edit(bob, statement, meaning="Bob's words")
    with pytest.raises(Http404):
        services.retire_statement(space=space_of(bob), statement_id=statement.pk)
    statement.refresh_from_db()
    assert statement.meaning == WORDS["meaning"]
    assert statement.retired_at is None


def test_outsider_cannot_touch_anything(couple, alice, bob, carol):
    statement = write(alice)
    question = services.ask_question(
        space=space_of(bob),
        statement_id=statement.pk,
        text="Q?",
    )
    link(carol, UserFactory())
    for call in (
        lambda: edit(carol, statement, meaning="carol"),
        lambda: services.retire_statement(space=space_of(carol), statement_id=statement.pk),
        lambda: services.mark_heard(space=space_of(carol), statement_id=statement.pk),
        lambda: services.ask_question(space=space_of(carol), statement_id=statement.pk, text="hi"),
        lambda: services.answer_question(
            space=space_of(carol), question_id=question.pk, version=1, answer="x"
        ),
    ):
        with pytest.raises(Http404):
            call()
    statement.refresh_from_db()
    assert (statement.meaning, statement.retired_at, statement.heard_version) == (
        WORDS["meaning"],
        None,
        None,
    )
    assert StatementQuestion.objects.count() == 1


def test_retire_hides_from_the_shared_list_but_keeps_history(couple, alice, bob):
    from couples.access import current_space, statements_shared_in

    statement = write(alice)
    edit(alice, statement, meaning="Later words.")
    services.retire_statement(space=space_of(alice), statement_id=statement.pk)
    assert not statements_shared_in(current_space(bob)).exists()
    assert not statements_shared_in(current_space(alice)).exists()
    assert StatementRevision.objects.filter(statement=statement).count() == 2
    with pytest.raises(Http404):
        services.mark_heard(space=space_of(bob), statement_id=statement.pk)


def test_editing_a_retired_statement_is_refused(couple, alice):
    statement = write(alice)
    services.retire_statement(space=space_of(alice), statement_id=statement.pk)
    with pytest.raises(Invalid, match="retired"):
        edit(alice, statement, meaning="again")


def test_only_the_partner_marks_heard_and_an_edit_resets_it(couple, alice, bob):
    statement = write(alice)
    with pytest.raises(Http404):
        services.mark_heard(space=space_of(alice), statement_id=statement.pk)
    statement = services.mark_heard(space=space_of(bob), statement_id=statement.pk)
    assert statement.is_heard
    statement = edit(alice, statement, meaning="New words.")
    assert not statement.is_heard
    statement = services.mark_heard(space=space_of(bob), statement_id=statement.pk)
    assert statement.is_heard


def test_partner_asks_and_only_the_author_answers(couple, alice, bob):
    statement = write(alice)
    with pytest.raises(Http404):
        services.ask_question(space=space_of(alice), statement_id=statement.pk, text="Own?")
    question = services.ask_question(
        space=space_of(bob), statement_id=statement.pk, text="What helps?"
    )
    with pytest.raises(Http404):
        services.answer_question(
            space=space_of(bob), question_id=question.pk, version=1, answer="x"
        )
    question = services.answer_question(
        space=space_of(alice), question_id=question.pk, version=1, answer="A hug first."
    )
    assert question.answer == "A hug first."
    assert question.version == 2
    with pytest.raises(Conflict):
        services.answer_question(
            space=space_of(alice), question_id=question.pk, version=1, answer="Stale."
        )
    question.refresh_from_db()
    assert question.answer == "A hug first."


def test_question_and_answer_have_length_limits(couple, alice, bob):
    statement = write(alice)
    with pytest.raises(Invalid, match="500 or fewer"):
        services.ask_question(space=space_of(bob), statement_id=statement.pk, text="q" * 501)
    question = services.ask_question(space=space_of(bob), statement_id=statement.pk, text="q" * 500)
    with pytest.raises(Invalid, match="1000 or fewer"):
        services.answer_question(
            space=space_of(alice), question_id=question.pk, version=1, answer="a" * 1001
        )
    question.refresh_from_db()
    assert question.answer == ""


def test_after_unlink_nobody_writes_into_the_old_couple(couple, alice, bob):
    statement = write(alice)
    linking.unlink(user=alice)
    with pytest.raises(Http404):
        services.mark_heard(space=space_of(bob), statement_id=statement.pk)
    with pytest.raises(Http404):
        edit(alice, statement, meaning="after")
    assert Statement.objects.filter(author=alice).count() == 1  # she keeps what she wrote
