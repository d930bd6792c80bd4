"""My patterns: a private mirror of my own asks and declines (issue 14).
Built only from the viewer's own rows (``access.my_pattern_rows``) and the two
timing weeks both partners already see; never anything of the partner's
answers to my asks.

The sharing page (``pattern_sharing``) lets me choose which parts of my own
summary to share, with a preview that is the couple view's own partial for
me. Nothing on it, nor in any answer to it, depends on what my partner chose.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.reauth import is_fresh

from ..access import (
    my_journal_feelings,
    my_pattern_rows,
    my_pattern_sharing,
    visible_timing_grids,
)
from ..domain import patterns as words
from ..domain.errors import DomainError
from ..domain.overlap import overlap
from ..forms.patterns import SharingForm
from ..http import SpaceRequest, login_required, render_part, space_required
from ..models import AskFor, PatternPart
from ..models.reflections import NEED_CHOICES, STORY_CHOICES
from ..models.statements import Reason
from ..parts import patterns as shared
from ..services import patterns as sharing_services

PAGE = "couples/patterns.html"
SHARING_PAGE = "couples/pattern_sharing.html"


@require_GET
@login_required
@space_required
def patterns(request: SpaceRequest) -> HttpResponse:
    space = request.space
    rows = my_pattern_rows(space, latest=words.LATEST)
    mine, theirs = visible_timing_grids(space)
    my_cells = mine.cells if mine else None
    meeting = overlap(my_cells, theirs.cells if theirs else None)
    labels = dict(Reason.choices)
    declined = words.tally(rows["not_now_times"])
    asked = words.tally(rows["ask_times"])
    kinds = dict(AskFor.choices)
    context = {
        "space": space,
        "declines": {
            "total": sum(declined.values()),
            "reasons": words.reason_lines(rows["not_now_reasons"], labels),
            "week": words.week_sentence(rows["latest_not_nows"], my_cells, labels),
            "picture": words.picture(declined),
            "rain_checks": words.rain_check_sentence(rows["rain_checks"]),
        },
        "asks": {
            "total": sum(asked.values()),
            "when": words.asks_sentence(asked, meeting),
            "best": words.best_times(meeting),
            "kinds": sorted(
                ((kinds.get(k, k), n) for k, n in rows["ask_kinds"].items()),
                key=lambda item: (-item[1], item[0]),
            ),
            "picture": words.picture(asked),
        },
        "my_sharing": _titles(my_pattern_sharing(space)),
        "feelings": _feelings(request),
    }
    return render(request, PAGE, context)


def _feelings(request) -> dict | None:
    """How those moments felt, from my own journal: only while my password
    confirmation is fresh, as for the journal itself (``None``: locked, and no
    reflection is read)."""
    if not is_fresh(request):
        return None
    rows = my_journal_feelings(request.user, latest=words.JOURNAL_LATEST)
    return words.journal_feelings(rows, dict(NEED_CHOICES), dict(STORY_CHOICES))


def _titles(sharing) -> list:
    titles = dict(PatternPart.choices)
    return [titles[part] for part in sharing.parts] if sharing else []


def _sharing_page(request, *, form=None, preview_parts=None, status=200, saved=None):
    space = request.space
    sharing = my_pattern_sharing(space)
    current = sharing.parts if sharing else ()
    if form is None:
        form = SharingForm(initial={"parts": list(current)})
    parts = current if preview_parts is None else preview_parts
    cells = shared.timing_cells(space.couple, space.people)
    summary = shared.summary_of(
        space.couple,
        space.me,
        parts=parts,
        cells=cells,
        meeting=shared.meeting_of(cells, space.people),
    )
    context = {
        "space": space,
        "form": form,
        "summary": summary,
        "previewing": preview_parts is not None,
        "my_sharing": _titles(sharing),
        "saved": saved,
    }
    return render_part(request, SHARING_PAGE, context, partial="pattern-sharing", status=status)


@require_http_methods(["GET", "POST"])
@login_required
@space_required
def pattern_sharing(request: SpaceRequest) -> HttpResponse:
    if request.method == "GET":
        return _sharing_page(request)
    form = SharingForm(request.POST)
    if not form.is_valid():
        return _sharing_page(request, form=form, status=422)
    if form.previewing:  # nothing is saved: the ticked parts, as they would show
        return _sharing_page(request, form=form, preview_parts=form.chosen())
    try:
        result = sharing_services.choose_sharing(space=request.space, parts=form.chosen())
    except DomainError as error:
        form.add_error(None, error.message)
        return _sharing_page(request, form=form, status=error.status)
    note = (
        _("Saved. What you chose shows only while you both choose to share.")
        if result.parts
        else _("You share nothing of your patterns now.")
    )
    if request.htmx:
        return _sharing_page(request, saved=note)
    messages.success(request, note)
    return redirect(reverse("pattern_sharing"))
