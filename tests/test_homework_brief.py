"""The session brief's homework section: the homework under way in the
session's period and every time it was done then, the same in both copies,
on the page and in the PDF."""

import datetime
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from couples.models import Homework, HomeworkOccurrence
from couples.services import homework as service
from couples.services import therapy
from tests.factories import space_of

pytestmark = pytest.mark.django_db


def _days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def lived(alice, bob, couple):
    """A session 20 days ago, homework done before and after it, the next session ahead."""
    earlier = therapy.plan_session(space=space_of(alice), planned_for=_days_ago(20))
    upcoming = therapy.plan_session(space=space_of(alice), planned_for=_days_ago(-2))
    walk = service.propose_homework(
        space=space_of(alice), text="Hmw-brief-walk", session_id=earlier.pk
    )
    service.accept_homework(space=space_of(bob), homework_id=walk.pk)
    Homework.objects.filter(pk=walk.pk).update(accepted_at=timezone.now() - datetime.timedelta(30))
    old = service.mark_done(space=space_of(alice), homework_id=walk.pk, done_on=_days_ago(25))
    HomeworkOccurrence.objects.filter(pk=old.pk).update(note="Hmw-before-the-period")
    service.mark_done(
        space=space_of(bob), homework_id=walk.pk, done_on=_days_ago(3), note="Hmw-in-the-period"
    )
    focus = service.propose_homework(space=space_of(bob), exercise="sensate_focus")
    service.accept_homework(space=space_of(alice), homework_id=focus.pk)
    # Put aside and never taken on: not homework of this period.
    aside = service.propose_homework(space=space_of(bob), text="Hmw-never-taken-on")
    service.set_aside_homework(space=space_of(bob), homework_id=aside.pk)
    return upcoming


def _brief(client, session):
    response = client.get(reverse("therapy_brief", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(html):
    start = html.index('id="brief-homework"')
    return html[start : html.index("</section>", start)]


def test_homework_brief_shows_the_periods_homework_and_what_was_done(make_client, alice, lived):
    section = _section(_brief(make_client(alice), lived))
    assert "Hmw-brief-walk" in section
    assert "Hmw-in-the-period" in section
    assert "Hmw-before-the-period" not in section  # before the previous session
    assert "Sensate focus" in section and "Now at stage 1 of 4" in section
    assert "No time marked in this period." in section
    assert "Hmw-never-taken-on" not in section
    assert " of 5 done" not in section and "streak" not in section.lower()


def test_homework_brief_is_the_same_in_both_copies(make_client, alice, bob, lived):
    assert _section(_brief(make_client(alice), lived)) == _section(_brief(make_client(bob), lived))


def test_homework_brief_without_an_earlier_session_covers_the_brief_s_four_weeks(
    make_client, alice, bob, couple
):
    # The same period as every other section of the brief (couples.brief.session_period).
    session = therapy.plan_session(space=space_of(alice), planned_for=_days_ago(-1))
    walk = service.propose_homework(space=space_of(alice), text="Hmw-first-walk")
    service.accept_homework(space=space_of(bob), homework_id=walk.pk)
    service.mark_done(space=space_of(bob), homework_id=walk.pk, done_on=_days_ago(30), note="n-old")
    service.mark_done(space=space_of(bob), homework_id=walk.pk, done_on=_days_ago(20), note="n-new")
    section = _section(_brief(make_client(alice), session))
    assert "n-new" in section and "n-old" not in section


def test_homework_brief_pdf_holds_the_homework(make_client, alice, lived):
    response = make_client(alice).get(reverse("therapy_brief_pdf", args=[lived.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Homework between sessions" in text
    assert "Hmw-in-the-period" in text
