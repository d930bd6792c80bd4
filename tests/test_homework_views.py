"""Homework views: the dashboard part, the page, every write with and without
JavaScript, and who may do what (alice and bob a couple, carol outsider)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from couples.models import Homework, HomeworkOccurrence, HomeworkState
from couples.services import homework as service
from tests.factories import UserFactory, link, space_of

pytestmark = pytest.mark.django_db

WORDS = "Hkw-walk-canary: a walk together, twice this week"


@pytest.fixture
def walk(alice, couple):
    return service.propose_homework(space=space_of(alice), text=WORDS)


@pytest.fixture
def staged(alice, bob, couple):
    homework = service.propose_homework(space=space_of(bob), exercise="sensate_focus")
    service.accept_homework(space=space_of(alice), homework_id=homework.pk)
    return homework


def test_homework_dashboard_shows_the_proposal_to_both_with_accept_for_the_other_only(
    make_client, alice, bob, walk
):
    mine = make_client(alice).get("/").content.decode()
    his = make_client(bob).get("/").content.decode()
    assert WORDS in mine and WORDS in his
    assert f'id="homework-{walk.pk}-accept"' not in mine
    assert f'id="homework-{walk.pk}-set_aside"' in mine  # withdraw
    assert f'id="homework-{walk.pk}-accept"' in his
    assert "You proposed this." in mine
    assert "proposed this. It becomes yours together when you accept." in his


def test_homework_accept_without_javascript_redirects_back_to_it(make_client, bob, walk):
    response = make_client(bob).post(reverse("homework_act", args=[walk.pk]), {"action": "accept"})
    assert response.status_code == 302
    assert response["Location"] == f"/#homework-{walk.pk}"
    walk.refresh_from_db()
    assert walk.state == HomeworkState.ACCEPTED


def test_homework_accept_with_htmx_returns_the_part(make_client, bob, walk):
    response = make_client(bob).post(
        reverse("homework_act", args=[walk.pk]), {"action": "accept", "back": "homework"}, htmx=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="homework"')
    assert "Mark a time done" in body
    assert 'name="back" value="homework"' in body


def test_homework_proposer_cannot_accept_their_own(make_client, alice, walk):
    response = make_client(alice).post(
        reverse("homework_act", args=[walk.pk]), {"action": "accept"}
    )
    assert response.status_code == 403
    walk.refresh_from_db()
    assert walk.state == HomeworkState.PROPOSED


def test_homework_propose_without_words_shows_the_form_with_its_error(make_client, alice, couple):
    response = make_client(alice).post(reverse("homework_propose"), {"text": " "}, htmx=True)
    assert response.status_code == 422
    assert "Please write what the homework is." in response.content.decode()
    response = make_client(alice).post(reverse("homework_propose"), {"text": " "})
    assert response.status_code == 422
    assert "Please write what the homework is." in response.content.decode()
    assert not Homework.objects.exists()


def test_homework_propose_a_staged_exercise_from_a_session(make_client, alice, bob, couple):
    from couples.services import therapy

    session = therapy.plan_session(space=space_of(alice), planned_for=timezone.localdate())
    response = make_client(alice).post(
        reverse("homework_propose"),
        {"exercise": "sensate_focus", "text": "", "session": str(session.pk)},
    )
    assert response.status_code == 302
    homework = Homework.objects.get()
    assert (homework.exercise, homework.session, homework.proposed_by) == (
        "sensate_focus",
        session,
        alice,
    )
    page = make_client(bob).get("/").content.decode()
    assert "Sensate focus" in page
    assert "Stage 1 of 4: Touch without a goal" in page


def test_homework_mark_done_with_a_note_shows_to_both(make_client, alice, bob, staged):
    today = timezone.localdate().isoformat()
    response = make_client(bob).post(
        reverse("homework_done", args=[staged.pk]), {"done_on": today, "note": "Hkw-note-canary"}
    )
    assert response.status_code == 302
    assert "Hkw-note-canary" in make_client(alice).get("/").content.decode()
    assert "Hkw-note-canary" in make_client(alice).get(reverse("homework")).content.decode()
    occurrence = HomeworkOccurrence.objects.get()
    remove = reverse("homework_done_remove", args=[occurrence.pk])
    assert remove not in make_client(alice).get("/").content.decode()  # bob's own to take back
    assert make_client(alice).post(remove).status_code == 403
    assert make_client(bob).post(remove).status_code == 302
    assert not HomeworkOccurrence.objects.exists()


def test_homework_mark_done_in_the_future_is_refused_in_place(make_client, bob, staged):
    later = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = make_client(bob).post(
        reverse("homework_done", args=[staged.pk]), {"done_on": later}, htmx=True
    )
    assert response.status_code == 422
    assert "That day has not come yet" in response.content.decode()
    assert not HomeworkOccurrence.objects.exists()


def test_homework_stage_confirm_by_both_moves_it_on(make_client, alice, bob, staged):
    url = reverse("homework_stage", args=[staged.pk])
    assert make_client(alice).post(url, {"action": "confirm", "stage": 1}).status_code == 302
    his = make_client(bob).get("/").content.decode()
    assert "is ready for the next stage, whenever you are." in his
    mine = make_client(alice).get("/").content.decode()
    assert "You are ready for the next stage." in mine
    assert f'id="homework-{staged.pk}-take_back"' in mine
    assert make_client(bob).post(url, {"action": "confirm", "stage": 1}).status_code == 302
    staged.refresh_from_db()
    assert staged.stage == 2
    # alice's stale button (stage 1) is a conflict, not a confirmation of stage 2
    assert make_client(alice).post(url, {"action": "confirm", "stage": 1}).status_code == 409


def test_homework_end_moves_it_to_the_page_history(make_client, alice, bob, staged):
    make_client(bob).post(reverse("homework_act", args=[staged.pk]), {"action": "end"})
    assert f'id="homework-{staged.pk}"' not in make_client(alice).get("/").content.decode()
    page = make_client(alice).get(reverse("homework")).content.decode()
    assert f'id="homework-history-{staged.pk}"' in page
    assert "Ended on" in page


def test_homework_set_aside_proposals_leave_no_trace_anywhere(make_client, alice, bob, walk):
    make_client(bob).post(reverse("homework_act", args=[walk.pk]), {"action": "set_aside"})
    for person in (alice, bob):
        for url in ("/", reverse("homework")):
            assert WORDS not in make_client(person).get(url).content.decode()


def test_homework_outsider_gets_404_and_changes_nothing(make_client, carol, walk):
    link(carol, UserFactory())
    client = make_client(carol)
    for url, data in (
        (reverse("homework_act", args=[walk.pk]), {"action": "accept"}),
        (reverse("homework_act", args=[walk.pk]), {"action": "set_aside"}),
        (reverse("homework_stage", args=[walk.pk]), {"action": "confirm", "stage": 1}),
        (reverse("homework_done", args=[walk.pk]), {"done_on": timezone.localdate()}),
    ):
        assert client.post(url, data).status_code == 404
    assert WORDS not in client.get(reverse("homework")).content.decode()
    assert WORDS not in client.get("/").content.decode()
    walk.refresh_from_db()
    assert walk.state == HomeworkState.PROPOSED


def test_homework_part_refetch_is_the_same_for_http_and_the_page(make_client, alice, walk):
    body = make_client(alice).get(reverse("part", args=["homework"])).content.decode()
    assert WORDS in body
    assert body.lstrip().startswith('<section id="homework"')


def test_homework_page_offers_sessions_to_propose_from_and_the_live_part_does_not(
    make_client, alice, couple
):
    from couples.services import therapy

    session = therapy.plan_session(space=space_of(alice), planned_for=timezone.localdate())
    page = make_client(alice).get(reverse("homework")).content.decode()
    assert f'<option value="{session.pk}">' in page
    # The dashboard's part is pushed on homework writes only: nothing of sessions in it.
    part = make_client(alice).get(reverse("part", args=["homework"])).content.decode()
    assert 'name="session"' not in part


def test_homework_stale_confirm_with_htmx_shows_where_things_are_now(
    make_client, alice, bob, staged
):
    url = reverse("homework_stage", args=[staged.pk])
    for person in (alice, bob):
        make_client(person).post(url, {"action": "confirm", "stage": 1})
    response = make_client(alice).post(url, {"action": "confirm", "stage": 1}, htmx=True)
    assert response.status_code == 409
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="homework"')  # swapped in place, not an error box
    assert "Stage 2 of 4" in body
    assert "This exercise has moved on since" in body
