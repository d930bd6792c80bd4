"""The session brief (page and PDF) shows the check-ins of the session's period,
the same in both copies; none from before the period or of another couple."""

import datetime
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from couples.domain.checkins import week_start_for
from couples.models import CheckIn
from couples.services import checkins, therapy
from tests.factories import space_of

pytestmark = pytest.mark.django_db


def _write_week(space, text, weeks_ago):
    checkins.add_appreciation(space=space, text=text)
    week = week_start_for(space.me) - datetime.timedelta(weeks=weeks_ago)
    checkin = CheckIn.objects.get(couple=space.couple, week_start=week_start_for(space.me))
    checkin.week_start = week
    checkin.save()


@pytest.fixture
def session(alice, bob, couple):
    today = timezone.localdate()
    therapy.plan_session(space=space_of(alice), planned_for=today - datetime.timedelta(days=20))
    upcoming = therapy.plan_session(
        space=space_of(alice), planned_for=today + datetime.timedelta(days=2)
    )
    _write_week(space_of(alice), "Ckn-before-the-period", weeks_ago=6)
    _write_week(space_of(bob), "Ckn-in-the-period-last-week", weeks_ago=1)
    checkins.add_appreciation(space=space_of(alice), text="Ckn-in-the-period-this-week")
    checkins.save_went_well(space=space_of(bob), text="Ckn-went-well-this-week")
    return upcoming


def test_checkin_brief_shows_the_periods_checkins_in_both_copies(alice_client, bob_client, session):
    for client in (alice_client, bob_client):
        html = client.get(reverse("therapy_brief", args=[session.pk])).content.decode()
        assert 'id="brief-checkins"' in html
        assert "Ckn-in-the-period-last-week" in html
        assert "Ckn-in-the-period-this-week" in html
        assert "Ckn-went-well-this-week" in html
        assert "Ckn-before-the-period" not in html
        assert html.index("Ckn-in-the-period-last-week") < html.index("Ckn-in-the-period-this-week")


def test_checkin_brief_pdf_holds_the_checkins(alice_client, session):
    response = alice_client.get(reverse("therapy_brief_pdf", args=[session.pk]))
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Our weekly check-ins" in text
    assert "Ckn-in-the-period-this-week" in text.replace("\n", "")


def test_checkin_brief_with_none_in_the_period_says_so_quietly(alice, alice_client, couple):
    session = therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=2)
    )
    html = alice_client.get(reverse("therapy_brief", args=[session.pk])).content.decode()
    assert "No check-ins in this time." in html
