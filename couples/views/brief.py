"""The session brief: a printable page and a PDF of it, one copy per person.

Both partners of the session's *current* couple may read it; everyone else gets
404. Each copy holds the reader's own flagged reflections only (see
couples/brief.py), so both views are wrapped like the journal's views: nothing of
them reaches an error report. The middleware adds ``Cache-Control: no-store``.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from .. import brief
from ..access import get_therapy_session_for_member
from ..http import SpaceRequest, login_required, space_required, within_a_minute
from ..pdf import html_to_pdf


@sensitive_variables()
@require_GET
@login_required
@space_required
def brief_page(request: SpaceRequest, session_id: int) -> HttpResponse:
    session = get_therapy_session_for_member(request.space, session_id)
    return render(request, brief.TEMPLATE, brief.brief_context(request, request.space, session))


# A PDF costs about a second of CPU: a person gets a few a minute, counted in the
# default cache (Redis with REDIS_URL, so once for every server process; see
# config/cache.py for Redis being down), and the printable page at any time.
PDFS_PER_MINUTE = 6
TOO_MANY_PDFS = gettext_lazy(
    "You have downloaded this brief several times in the last minute. "
    "Please wait a minute and try again; the printable page works any time."
)


def _pdf_allowed(user):
    return within_a_minute(f"brief-pdf:{user.pk}", PDFS_PER_MINUTE)


@sensitive_variables()
@require_GET
@login_required
@space_required
def brief_pdf(request: SpaceRequest, session_id: int) -> HttpResponse:
    space = request.space
    session = get_therapy_session_for_member(space, session_id)
    if not _pdf_allowed(request.user):
        response = HttpResponse(TOO_MANY_PDFS, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "60"
        return response
    context = brief.brief_context(request, space, session, pdf=True)
    html = render_to_string(brief.TEMPLATE, context, request=request)
    pdf = html_to_pdf(html, read_static=brief.read_static)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{brief.filename(session, "pdf")}"'
    return response
