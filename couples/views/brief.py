"""The session brief: a printable page and a PDF of it, one copy per person.

Both partners of the session's *current* couple may read it; everyone else gets
404. Each copy holds the reader's own flagged reflections only (see
couples/brief.py), so both views are wrapped like the journal's views: nothing of
them reaches an error report. The middleware adds ``Cache-Control: no-store``.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from .. import brief
from ..access import get_therapy_session_for_member
from ..http import login_required
from ..pdf import html_to_pdf


@sensitive_variables()
@require_GET
@login_required
def brief_page(request, session_id):
    space, session = get_therapy_session_for_member(request.user, session_id)
    return render(request, brief.TEMPLATE, brief.brief_context(request, space, session))


@sensitive_variables()
@require_GET
@login_required
def brief_pdf(request, session_id):
    space, session = get_therapy_session_for_member(request.user, session_id)
    context = brief.brief_context(request, space, session, pdf=True)
    html = render_to_string(brief.TEMPLATE, context, request=request)
    pdf = html_to_pdf(html, read_static=brief.read_static)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{brief.filename(session, "pdf")}"'
    return response
