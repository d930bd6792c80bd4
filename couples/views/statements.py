""" "What my no means": the dashboard part and its pages (write, edit,
history) plus the small actions (retire, heard, ask, answer).

Actions answer an htmx request with the ``#statements`` section (the same
partial the dashboard renders and live sync will push) and a plain POST with a
redirect back to the dashboard; bad input re-renders with 422, a stale edit
with 409 and both texts.
"""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import parts
from ..access import (
    get_own_statement,
    get_partner_statement,
    get_question_for_author,
    get_space_for_member,
    get_statement_for_member,
    statements_shared_in,
)
from ..forms.statements import AnswerForm, QuestionForm, StatementForm
from ..http import login_required, render_part
from ..models import Statement, StatementQuestion
from ..services import Conflict, ServiceError
from ..services import statements as services
from ..statement_starters import starters
from .dashboard import DASHBOARD, dashboard_context

SECTION = "couples/sections/statements.html"
FORM_PAGE = "couples/statement_form.html"
HISTORY_PAGE = "couples/statement_history.html"


def _pk_url(name):
    """``reverse(name, args=[pk])`` for any number of pks at the cost of one
    ``reverse()`` (~70 µs each, and a statement needs four).
    The paths take an ``<int:pk>``: only its digits differ from one pk to another."""
    marker = 9876543210123
    head, found, tail = reverse(name, args=[marker]).rpartition(str(marker))
    if not found:
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{head}{pk}{tail}"


def _question_form(statement):
    return QuestionForm(auto_id=f"ask-{statement.pk}-%s")


def _answer_form(question):
    return AnswerForm(
        initial={"answer": question.answer, "version": question.version},
        auto_id=f"answer-{question.pk}-%s",
    )


@parts.register("statements", SECTION)
def statements_context(request, space, *, bound=None):
    """What ``request.user`` may see of the statements in ``space``.

    A constant number of queries however many statements there are. ``bound``
    maps ``("ask", statement_pk)`` or ``("answer", question_pk)`` to a form
    with errors, shown in place of the blank one.
    """
    bound = bound or {}
    me = request.user
    questions = StatementQuestion.objects.order_by("asked_at", "pk")
    shared = list(
        statements_shared_in(space)
        .select_related("author")
        .prefetch_related(Prefetch("questions", queryset=questions))
        .order_by("created_at", "pk")
    )
    url = {
        action: _pk_url(f"statement_{action}")
        for action in ("edit", "history", "retire", "heard", "ask", "answer")
    }
    mine, theirs = [], []
    for statement in shared:
        pk = statement.pk
        statement.question_list = list(statement.questions.all())
        if statement.author_id == me.pk:
            mine.append(statement)
            statement.urls = {
                "edit": url["edit"](pk),
                "history": url["history"](pk),
                "retire": url["retire"](pk),
            }
            for question in statement.question_list:
                question.answer_form = bound.get(("answer", question.pk)) or _answer_form(question)
                question.answer_url = url["answer"](question.pk)
        else:
            theirs.append(statement)
            statement.urls = {
                "heard": url["heard"](pk),
                "history": url["history"](pk),
                "ask": url["ask"](pk),
            }
            statement.question_form = bound.get(("ask", pk)) or _question_form(statement)
    retired = list(
        Statement.objects.filter(author=me, couple=space.couple, retired_at__isnull=False)
        .only("pk", "reason", "meaning", "retired_at")
        .order_by("-retired_at")
    )
    for statement in retired:
        statement.urls = {"history": url["history"](statement.pk)}
    return {
        "statements_mine": mine,
        "statements_partner": theirs,
        "statements_retired": retired,
    }


def _section_response(request, space, *, status=200, bound=None, error=""):
    """The updated section for htmx; a redirect (or, on error, the dashboard
    with the error shown) for a plain POST."""
    if not request.htmx and status < 400:
        return redirect(reverse("dashboard") + "#statements")
    context = (
        dashboard_context(request, space, fresh=["statements"])
        if not request.htmx
        else {"space": space}
    )
    context.update(statements_context(request, space, bound=bound))
    context["statements_error"] = error
    return render_part(
        request,
        DASHBOARD if not request.htmx else SECTION,
        context,
        partial="statements",
        status=status,
    )


def _to_dashboard(request):
    url = reverse("dashboard") + "#statements"
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _form_page(request, space, form, *, statement=None, saved=None, status=200, error=""):
    context = {
        "space": space,
        "form": form,
        "statement": statement,
        "saved": saved,
        "error": error,
        "starters": starters(),
        "first_time": statement is None
        and not Statement.objects.filter(author=request.user).exists(),
    }
    return render_part(request, FORM_PAGE, context, partial="statement-form", status=status)


@require_http_methods(["GET", "POST"])
@login_required
def statement_new(request):
    space = get_space_for_member(request.user)
    if request.method == "GET":
        return _form_page(request, space, StatementForm())
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _form_page(request, space, form, status=422)
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        services.add_statement(author=request.user, **data)
    except ServiceError as error:
        return _form_page(request, space, form, status=error.status, error=error.message)
    return _to_dashboard(request)


@require_http_methods(["GET", "POST"])
@login_required
def statement_edit(request, pk):
    space = get_space_for_member(request.user)
    statement = get_own_statement(request.user, pk)
    if statement.is_retired:
        return redirect("statement_history", pk=statement.pk)
    if request.method == "GET":
        form = StatementForm(initial={**statement.content(), "version": statement.version})
        return _form_page(request, space, form, statement=statement)
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _form_page(request, space, form, statement=statement, status=422)
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        services.edit_statement(
            author=request.user,
            statement_id=statement.pk,
            version=form.cleaned_data["version"],
            **data,
        )
    except Conflict as error:
        # Keep their text, and let the next save go over the version now saved.
        saved = get_own_statement(request.user, pk)
        post = request.POST.copy()
        post["version"] = saved.version
        return _form_page(
            request,
            space,
            StatementForm(post),
            statement=saved,
            saved=saved,
            status=error.status,
            error=error.message,
        )
    except ServiceError as error:
        return _form_page(
            request, space, form, statement=statement, status=error.status, error=error.message
        )
    return _to_dashboard(request)


@require_POST
@login_required
def statement_retire(request, pk):
    space = get_space_for_member(request.user)
    statement = get_own_statement(request.user, pk)
    services.retire_statement(author=request.user, statement_id=statement.pk)
    return _section_response(request, space)


@require_POST
@login_required
def statement_heard(request, pk):
    space = get_space_for_member(request.user)
    statement = get_partner_statement(request.user, pk)
    services.mark_heard(user=request.user, statement_id=statement.pk)
    return _section_response(request, space)


@require_POST
@login_required
def statement_ask(request, pk):
    space = get_space_for_member(request.user)
    statement = get_partner_statement(request.user, pk)
    form = QuestionForm(request.POST, auto_id=f"ask-{statement.pk}-%s")
    if form.is_valid():
        try:
            services.ask_question(
                asker=request.user, statement_id=statement.pk, text=form.cleaned_data["text"]
            )
        except ServiceError as error:
            form.add_error("text", error.message)
            return _section_response(
                request, space, status=error.status, bound={("ask", statement.pk): form}
            )
        return _section_response(request, space)
    return _section_response(request, space, status=422, bound={("ask", statement.pk): form})


@require_POST
@login_required
def question_answer(request, pk):
    space = get_space_for_member(request.user)
    question = get_question_for_author(request.user, pk)
    form = AnswerForm(request.POST, auto_id=f"answer-{question.pk}-%s")
    if form.is_valid():
        try:
            services.answer_question(
                author=request.user,
                question_id=question.pk,
                version=form.cleaned_data["version"],
                answer=form.cleaned_data["answer"],
            )
        except Conflict as error:
            question.refresh_from_db()
            post = request.POST.copy()
            post["version"] = question.version
            form = AnswerForm(post, auto_id=f"answer-{question.pk}-%s")
            form.is_valid()
            form.add_error(None, f"{error.message} The saved answer is: “{question.answer}”.")
            return _section_response(
                request, space, status=409, bound={("answer", question.pk): form}
            )
        except ServiceError as error:
            form.add_error("answer", error.message)
            return _section_response(
                request, space, status=error.status, bound={("answer", question.pk): form}
            )
        return _section_response(request, space)
    return _section_response(request, space, status=422, bound={("answer", question.pk): form})


@require_http_methods(["GET"])
@login_required
def statement_history(request, pk):
    """How this statement changed, with dates: for the author and the partner
    (it is shared); a retired statement's history stays with its author."""
    space = get_space_for_member(request.user)
    statement = get_statement_for_member(request.user, pk)
    context = {
        "space": space,
        "statement": statement,
        "revisions": list(statement.revisions.order_by("-version")),
        "questions": list(statement.questions.order_by("asked_at", "pk")),
    }
    return render(request, HISTORY_PAGE, context)
