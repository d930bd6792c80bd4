""" "What my no means" on the dashboard: both partners' current statements,
with their questions, and the actions each may take.

The dashboard shows what is current; history (earlier versions, retired
statements, older answered questions) is one link away, so the part stays the
same size however long a couple has been writing.
"""

import copy
import functools

from django.db import connection
from django.urls import reverse

from ..access import Space, statements_shared_in
from ..forms.statements import AnswerForm, QuestionForm
from ..models import StatementQuestion
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
    """The shared statements with the questions shown under them. Two queries,
    whatever the number of statements or of their questions: each statement
    brings its unanswered questions and its latest answered ones."""
    statements = list(
        statements_shared_in(space).select_related("author").order_by("created_at", "pk")
    )
    shown, answered = _questions_shown(statements)
    return {"statements": statements, "questions": shown, "answered": answered}


@functools.cache
def _questions_sql(count: int) -> str:
    """For ``count`` statements (plain SQL that SQLite runs too)."""
    table = connection.ops.quote_name(StatementQuestion._meta.db_table)
    # Ranked within each statement's answered (or unanswered) questions, latest
    # answer first; and each statement's number of answered questions.
    return (
        "SELECT * FROM ("  # noqa: S608  the table name comes from _meta
        " SELECT q.*, row_number() OVER (PARTITION BY q.statement_id, q.answer = ''"
        "   ORDER BY q.answered_at DESC NULLS LAST, q.id DESC) AS answered_rank,"
        "  count(*) FILTER (WHERE q.answer <> '') OVER (PARTITION BY q.statement_id)"
        "   AS answered_total"
        f" FROM {table} q WHERE q.statement_id IN ({', '.join(['%s'] * count)})"
        ") ranked WHERE answer = '' OR answered_rank <= %s ORDER BY asked_at, id"
    )


def _questions_shown(statements) -> tuple[dict, dict]:
    """statement pk -> the questions shown under it (every unanswered one and
    the latest ``ANSWERED_SHOWN`` answered, oldest first); statement pk -> how
    many it has answered in all. One query (raw: this runs for every frame)."""
    if not statements:
        return {}, {}
    ids = [statement.pk for statement in statements]
    shown: dict = {}
    answered: dict = {}
    query = StatementQuestion.objects.raw(_questions_sql(len(ids)), [*ids, ANSWERED_SHOWN])
    for question in query:
        shown.setdefault(question.statement_id, []).append(question)
        answered[question.statement_id] = question.answered_total
    return shown, answered


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
        shown = rows["questions"].get(pk, ())
        statement.question_list = [copy.copy(question) for question in shown]
        statement.questions_hidden = rows["answered"].get(pk, 0) - sum(
            1 for question in shown if question.answer
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
    return {"statements_mine": mine, "statements_partner": theirs, "statements_error": error}


PART = Part("statements", "couples/sections/statements.html", build=build, load=load)
