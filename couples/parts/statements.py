""" "What my no means" on the dashboard: both partners' current statements,
with their questions, and the actions each may take.

The dashboard shows what is current; history (earlier versions, retired
statements, older answered questions) is one link away, so the part stays the
same size however long a couple has been writing.
"""

import copy

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from ..access import Space, statements_shared_in
from ..forms.statements import AnswerForm, QuestionForm
from ..models import Statement, StatementQuestion
from .base import Part

# Answered questions shown under a statement; the rest are on its history page.
ANSWERED_SHOWN = 2


def pk_url(name: str):
    """``reverse(name, args=[pk])`` for any number of pks at the cost of one
    ``reverse()`` (~70 µs each, and a statement needs four).
    The paths take an ``<int:pk>``: only its digits differ from one pk to another."""
    marker = 9876543210123
    head, found, tail = reverse(name, args=[marker]).rpartition(str(marker))
    if not found:
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{head}{pk}{tail}"


def question_form(statement) -> QuestionForm:
    return QuestionForm(auto_id=f"ask-{statement.pk}-%s")


def answer_form(question) -> AnswerForm:
    return AnswerForm(
        initial={"answer": question.answer, "version": question.version},
        auto_id=f"answer-{question.pk}-%s",
    )


def load(space: Space) -> dict:
    """The shared statements with their questions, and whether either partner
    has retired statements of this couple (each sees only their own link).

    Four queries, whatever the number of statements or of their questions:
    each statement brings its unanswered questions and its latest answered ones.
    """
    questions = StatementQuestion.objects.order_by("asked_at", "pk")
    statements = list(
        statements_shared_in(space)
        .select_related("author")
        .prefetch_related(
            Prefetch("questions", queryset=questions.filter(answer=""), to_attr="open_questions")
        )
        .order_by("created_at", "pk")
    )
    latest, answered = _latest_answered(statements)
    retired = Statement.objects.filter(
        couple=space.couple, author=OuterRef("pk"), retired_at__isnull=False
    )
    people = get_user_model().objects.filter(pk__in=[space.me.pk, space.partner.pk])
    has_retired = set(people.filter(Exists(retired)).values_list("pk", flat=True))
    return {
        "statements": statements,
        "latest_answered": latest,
        "answered": answered,
        "has_retired": has_retired,
    }


def _latest_answered(statements) -> tuple[dict, dict]:
    """For each statement: its latest ``ANSWERED_SHOWN`` answered questions
    (oldest first), and how many it has answered in all. One query."""
    if not statements:
        return {}, {}
    ranked = (
        StatementQuestion.objects.filter(statement__in=statements)
        .exclude(answer="")
        .annotate(
            rank=Window(RowNumber(), partition_by="statement_id", order_by=["-answered_at", "-pk"]),
            answered_total=Window(Count("pk"), partition_by="statement_id"),
        )
    )
    latest: dict = {}
    answered: dict = {}
    for question in ranked.filter(rank__lte=ANSWERED_SHOWN).order_by("asked_at", "pk"):
        latest.setdefault(question.statement_id, []).append(question)
        answered[question.statement_id] = question.answered_total
    return latest, answered


def build(space: Space, rows: dict, *, request=None, bound=None, error: str = "") -> dict:
    """What ``space.me`` sees of the statements. ``bound`` maps
    ``("ask", statement_pk)`` or ``("answer", question_pk)`` to a form with
    errors, shown in place of the blank one. The rows are shared between both
    partners' renders: each statement and question is copied before it gets
    this viewer's links and forms."""
    bound = bound or {}
    me = space.me
    url = {
        action: pk_url(f"statement_{action}")
        for action in ("edit", "history", "retire", "heard", "ask", "answer")
    }
    mine, theirs = [], []
    for row in rows["statements"]:
        statement = copy.copy(row)
        pk = statement.pk
        shown = [*row.open_questions, *rows["latest_answered"].get(pk, ())]
        shown.sort(key=lambda question: (question.asked_at, question.pk))
        statement.question_list = [copy.copy(question) for question in shown]
        statement.questions_hidden = rows["answered"].get(pk, 0) - len(
            rows["latest_answered"].get(pk, ())
        )
        if statement.author_id == me.pk:
            mine.append(statement)
            statement.urls = {
                "edit": url["edit"](pk),
                "history": url["history"](pk),
                "retire": url["retire"](pk),
            }
            for question in statement.question_list:
                question.answer_form = bound.get(("answer", question.pk)) or answer_form(question)
                question.answer_url = url["answer"](question.pk)
        else:
            theirs.append(statement)
            statement.urls = {
                "heard": url["heard"](pk),
                "history": url["history"](pk),
                "ask": url["ask"](pk),
            }
            statement.question_form = bound.get(("ask", pk)) or question_form(statement)
    return {
        "statements_mine": mine,
        "statements_partner": theirs,
        "statements_retired_exist": me.pk in rows["has_retired"],
        "statements_error": error,
    }


PART = Part("statements", "couples/sections/statements.html", build=build, load=load)
