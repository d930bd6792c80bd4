"""The therapy area as a phone shows it (issue 15, item 5): the overlap said in
words without 35 "not marked by both yet", "Plan a session" near the top of the
part, and a day far in the past refused with a clear message, nothing lost.
The widths themselves are measured in Chromium (tests/browser/test_phone_fit.py)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from couples.domain.overlap import heatmap
from couples.forms.therapy import PAST_DAYS_ALLOWED
from couples.models import TherapySession
from couples.services import therapy as service
from couples.services import timing
from tests.factories import space_of

pytestmark = pytest.mark.django_db

UNMARKED = "not marked by both"
# alice: usually open on Wednesday evening; bob: usually open then too, and on
# Saturday morning sometimes. Every other cell is unmarked by one of them.
ALICE = "-" * 13 + "u" + "-" * 12 + "s" + "-" * 8
BOB = "-" * 13 + "u" + "-" * 12 + "u" + "-" * 8


def test_heatmap_lists_only_the_days_and_times_both_marked():
    days = heatmap(ALICE, BOB).marked_days
    assert [(day, [cell.part for cell in cells]) for day, cells in days] == [
        ("Wednesday", ["Evening"]),
        ("Saturday", ["Morning"]),
    ]
    assert heatmap(ALICE, BOB).all_marked is False
    assert heatmap(None, None).marked_days == []


@pytest.fixture
def session(alice, bob, couple):
    timing.save_timing(space=space_of(alice), cells=ALICE, notes="", expected_version=0)
    timing.save_timing(space=space_of(bob), cells=BOB, notes="", expected_version=0)
    day = timezone.localdate() + timedelta(days=5)
    return service.plan_session(space=space_of(alice), planned_for=day, therapist_name="Dr. Li")


def test_brief_says_once_what_the_unmarked_times_mean(alice_client, session):
    html = alice_client.get(reverse("therapy_brief", args=[session.pk])).content.decode()
    # The text a reader sees (the picture's cells keep their hover titles).
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    # Said once, in the words (the key under the picture says "Not marked yet"
    # and "Waiting for both marks": docs/decisions.md, "The week, edited in place").
    assert text.lower().count(UNMARKED) == 1
    words = html[html.index('id="overlap-days"') :]
    words = words[: words.index("</details>")]
    assert "Wednesday" in words and "Evening: both usually open" in words
    assert "Saturday" in words and "Morning: often a good time" in words
    assert "Monday" not in words  # a day nobody marked is not listed
    assert words.lower().count(UNMARKED) == 1


def test_dashboard_overlap_in_words_does_not_repeat_unmarked(alice_client, session):
    html = alice_client.get(reverse("dashboard")).content.decode()
    figure = html[html.index('id="timing-overlap"') :]
    figure = figure[: figure.index("</figure>")]
    # The SVG's cell titles still name each cell for a pointer; the words say it once.
    words = figure[figure.index('id="overlap-days"') :]
    assert words.lower().count(UNMARKED) == 1


def test_plan_a_session_comes_before_the_agenda(alice_client, session):
    html = alice_client.get(reverse("dashboard")).content.decode()
    part = html[html.index('id="therapy"') :]
    assert part.index('id="plan-session-toggle"') < part.index(f'id="agenda-{session.pk}"')


def test_plan_a_session_is_open_when_there_is_no_session(alice_client, couple):
    html = alice_client.get(reverse("dashboard")).content.decode()
    assert re.search(r'<details class="plan-session" open>', html)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_day_far_in_the_past_is_refused_clearly_and_nothing_is_lost(alice_client, couple, htmx):
    day = timezone.localdate() - timedelta(days=PAST_DAYS_ALLOWED + 1)
    response = alice_client.post(
        reverse("therapy_session_create"),
        {"planned_for": day.isoformat(), "therapist_name": "Dr. Amara Osei"},
        htmx=htmx,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "That day is more than a month ago." in html
    earliest = date_format(timezone.localdate() - timedelta(days=PAST_DAYS_ALLOWED), "j F Y")
    assert f"can go in from {earliest} on." in html
    # What was typed comes back in the form.
    assert 'value="Dr. Amara Osei"' in html
    assert f'value="{day.isoformat()}"' in html
    assert not TherapySession.objects.exists()


def test_a_session_just_had_can_still_be_written_down(alice_client, couple):
    day = timezone.localdate() - timedelta(days=PAST_DAYS_ALLOWED)
    response = alice_client.post(reverse("therapy_session_create"), {"planned_for": day})
    assert response.status_code == 302
    assert TherapySession.objects.get().planned_for == day


def test_a_day_more_than_two_years_ahead_is_refused(alice_client, couple):
    day = timezone.localdate() + timedelta(days=800)
    response = alice_client.post(reverse("therapy_session_create"), {"planned_for": day})
    assert response.status_code == 422
    assert b"more than two years ahead" in response.content


def test_an_old_session_keeps_its_day_when_edited(alice_client, alice, couple):
    old = timezone.localdate() - timedelta(days=200)
    session = TherapySession.objects.create(
        couple=couple, created_by=alice, planned_for=old, therapist_name=""
    )
    url = reverse("therapy_session_update", args=[session.pk])
    kept = alice_client.post(
        url, {"planned_for": old.isoformat(), "therapist_name": "Dr. Li", "version": 1}
    )
    assert kept.status_code == 302
    session.refresh_from_db()
    assert session.therapist_name == "Dr. Li"
    # Moving it to another day that far back is refused like a new one.
    moved = alice_client.post(
        url,
        {"planned_for": (old - timedelta(days=1)).isoformat(), "version": session.version},
    )
    assert moved.status_code == 422 and b"more than a month ago" in moved.content


def test_the_sessions_page_offers_to_plan_one(alice_client, session):
    html = alice_client.get(reverse("therapy_sessions")).content.decode()
    assert 'id="plan-session-link"' in html
