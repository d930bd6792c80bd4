""" "What my no means": the pages (write, edit, history, retired) and the small
actions (retire, heard, ask, answer).

Actions answer an htmx request with the ``#statements`` section (the same
partial the dashboard renders and live sync pushes) and a plain POST with a
redirect back to the dashboard, at the statement acted on; bad input
re-renders with 422, a stale edit with 409 and both texts. Each action says
what happened in a word or two (``django.contrib.messages``; with htmx the
words come with the section, see config/messages.py), to the one who did it.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import (
    get_own_statement,
    get_partner_statement,
    get_question_for_author,
    get_statement_for_member,
    own_retired_statements,
)
from ..domain.errors import Conflict, DomainError
from ..domain.starters import starter_initial, starters
from ..forms.statements import AnswerForm, QuestionForm, StatementForm
from ..http import SpaceRequest, client_redirect, login_required, render_part, space_required
from ..models import Statement
from ..parts import DASHBOARD, dashboard_context
from ..parts import statements as part
from ..services import statements as services

SECTION = "couples/sections/statements.html"
FORM_PAGE = "couples/statement_form.html"
HISTORY_PAGE = "couples/statement_history.html"
RETIRED_PAGE = "couples/statements_retired.html"
RETIRED_PER_PAGE = 50


def _section_response(
    request: SpaceRequest, *, status=200, bound=None, error="", done="", anchor="statements"
) -> HttpResponse:
    """The updated section for htmx; a redirect back to ``anchor`` (or, on
    error, the dashboard with the error shown) for a plain POST. ``done`` is
    what happened, said to the person who did it."""
    space = request.space
    if done and status < 400:
        messages.success(request, done)
    if not request.htmx and status < 400:
        return redirect(f"{reverse('dashboard')}#{anchor}")
    context = (
        dashboard_context(request, space, fresh=["statements"])
        if not request.htmx
        else {"space": space}
    )
    context.update(part.PART.context(space, bound=bound, error=error))
    return render_part(
        request,
        DASHBOARD if not request.htmx else SECTION,
        context,
        partial="statements",
        status=status,
    )


def _to_dashboard(request, statement) -> HttpResponse:
    messages.success(request, _("Saved"))
    url = f"{reverse('dashboard')}#statement-{statement.pk}"
    if request.htmx:
        return client_redirect(url)
    return redirect(url)


def _form_page(request: SpaceRequest, form, *, statement=None, saved=None, status=200, error=""):
    context = {
        "space": request.space,
        "form": form,
        "statement": statement,
        "saved": saved,
        "error": error,
        "starters": starters(),
        "first_time": statement is None
        and not Statement.objects.filter(author=request.user).exists(),
    }
    return render_part(request, FORM_PAGE, context, partial="statement-form", status=status)


def _content(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


@require_http_methods(["GET", "POST"])
@login_required
@space_required
def statement_new(request: SpaceRequest) -> HttpResponse:
    if request.method == "GET":
        # ?starter=<reason>: the person chose to start from those words (without
        # JavaScript; with it, "Use" puts one phrase into its field in place).
        return _form_page(
            request, StatementForm(initial=starter_initial(request.GET.get("starter")))
        )
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=422)
    try:
        statement = services.add_statement(space=request.space, **_content(form))
    except DomainError as error:
        return _form_page(request, form, status=error.status, error=error.message)
    return _to_dashboard(request, statement)


@require_http_methods(["GET", "POST"])
@login_required
@space_required
def statement_edit(request: SpaceRequest, pk: int) -> HttpResponse:
    statement = get_own_statement(request.space, pk)
    if statement.is_retired:
        return redirect("statement_history", pk=statement.pk)
    if request.method == "GET":
        form = StatementForm(initial={**statement.content(), "version": statement.version})
        return _form_page(request, form, statement=statement)
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, statement=statement, status=422)
    try:
        services.edit_statement(
            space=request.space,
            statement_id=statement.pk,
            version=form.cleaned_data["version"],
            **_content(form),
        )
    except Conflict as error:
        # Keep their text, and let the next save go over the version now saved.
        saved = get_own_statement(request.space, pk)
        post = request.POST.copy()
        post["version"] = saved.version
        return _form_page(
            request,
            StatementForm(post),
            statement=saved,
            saved=saved,
            status=error.status,
            error=error.message,
        )
    except DomainError as error:
        return _form_page(
            request, form, statement=statement, status=error.status, error=error.message
        )
    return _to_dashboard(request, statement)


@require_POST
@login_required
@space_required
def statement_retire(request: SpaceRequest, pk: int) -> HttpResponse:
    statement = get_own_statement(request.space, pk)
    services.retire_statement(space=request.space, statement_id=statement.pk)
    return _section_response(request, done=_("Retired"))


@require_POST
@login_required
@space_required
def statement_heard(request: SpaceRequest, pk: int) -> HttpResponse:
    statement = get_partner_statement(request.space, pk)
    services.mark_heard(space=request.space, statement_id=statement.pk)
    return _section_response(request, done=_("Marked as heard"), anchor=f"statement-{statement.pk}")


@require_POST
@login_required
@space_required
def statement_ask(request: SpaceRequest, pk: int) -> HttpResponse:
    statement = get_partner_statement(request.space, pk)
    form = QuestionForm(request.POST, auto_id=f"ask-{statement.pk}-%s")
    if form.is_valid():
        try:
            services.ask_question(
                space=request.space, statement_id=statement.pk, text=form.cleaned_data["text"]
            )
        except DomainError as error:
            form.add_error("text", error.message)
            return _section_response(
                request, status=error.status, bound={("ask", statement.pk): form}
            )
        return _section_response(
            request,
            done=pgettext("a question was sent", "Sent"),
            anchor=f"statement-{statement.pk}",
        )
    return _section_response(request, status=422, bound={("ask", statement.pk): form})


@require_POST
@login_required
@space_required
def question_answer(request: SpaceRequest, pk: int) -> HttpResponse:
    question = get_question_for_author(request.space, pk)
    form = AnswerForm(request.POST, auto_id=f"answer-{question.pk}-%s")
    if form.is_valid():
        try:
            services.answer_question(
                space=request.space,
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
            form.add_error(
                None,
                _("%(problem)s The saved answer is: “%(answer)s”.")
                % {"problem": error.message, "answer": question.answer},
            )
            return _section_response(request, status=409, bound={("answer", question.pk): form})
        except DomainError as error:
            form.add_error("answer", error.message)
            return _section_response(
                request, status=error.status, bound={("answer", question.pk): form}
            )
        return _section_response(request, done=_("Saved"), anchor=f"question-{question.pk}")
    return _section_response(request, status=422, bound={("answer", question.pk): form})


@require_GET
@login_required
@space_required
def statement_history(request: SpaceRequest, pk: int) -> HttpResponse:
    """How this statement changed, with dates: for the author and the partner
    (it is shared); a retired statement's history stays with its author."""
    statement = get_statement_for_member(request.space, pk)
    context = {
        "space": request.space,
        "statement": statement,
        "revisions": list(statement.revisions.order_by("-version")),
        "questions": list(statement.questions.order_by("asked_at", "pk")),
    }
    return render(request, HISTORY_PAGE, context)


@require_GET
@login_required
@space_required
def statements_retired(request: SpaceRequest) -> HttpResponse:
    """My own retired statements of this couple, latest first, a page at a time."""
    paginator = Paginator(own_retired_statements(request.space), RETIRED_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"space": request.space, "retired": page.object_list, "page": page}
    return render(request, RETIRED_PAGE, context)
