"""My patterns: a private mirror of my own asks and declines (issue 14, first
slice). Built only from the viewer's own rows (``access.my_pattern_rows``) and
the two timing weeks both partners already see; never anything of the
partner's answers to my asks."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access import my_pattern_rows, visible_timing_grids
from ..domain import patterns as words
from ..domain.overlap import overlap
from ..http import SpaceRequest, login_required, space_required
from ..models import AskFor
from ..models.statements import Reason

PAGE = "couples/patterns.html"


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
    }
    return render(request, PAGE, context)
