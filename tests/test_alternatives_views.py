import re

import pytest
from django.urls import reverse

from couples.models import AlternativeActivity, AlternativeAnswer
from couples.services import alternatives as service
from couples.services import linking
from tests.factories import space_of

pytestmark = pytest.mark.django_db

PAGE = reverse("alternatives")
PROPOSE = reverse("alternatives_propose")


@pytest.fixture
def make_client(make_client):
    """conftest's CsrfClient fetches its token from the login page, which a
    signed-in person is redirected away from (no cookie): prime it from a page
    that carries a token instead."""

    def make(user=None):
        client = make_client(user)
        client.get(reverse("dashboard") if user else reverse("account_login"))
        return client

    return make


def hug():
    return AlternativeActivity.objects.get(catalogue_key="cuddling")


def answer_url(activity):
    return reverse("alternatives_answer", args=[activity.pk])


def withdraw_url(activity):
    return reverse("alternatives_withdraw", args=[activity.pk])


def field(activity):
    return f"a{activity.pk}-answer"


def my_answer(user, activity):
    row = AlternativeAnswer.objects.filter(user=user, activity=activity).first()
    return row.answer if row else ""


# Access matrix ---------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_anonymous_is_sent_to_login_everywhere(anon_client, couple, htmx):
    activity = hug()
    responses = [
        anon_client.get(PAGE, htmx=htmx),
        anon_client.post(answer_url(activity), {field(activity): "yes"}, htmx=htmx),
        anon_client.post(withdraw_url(activity), htmx=htmx),
        anon_client.post(PROPOSE, {"name": "Sneaky"}, htmx=htmx),
    ]
    for response in responses:
        if htmx:
            assert response.status_code == 401
            assert response["HX-Redirect"].startswith(reverse("account_login"))
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
    assert not AlternativeAnswer.objects.exists()
    assert not AlternativeActivity.objects.filter(couple__isnull=False).exists()


def test_outsider_gets_404_and_changes_nothing(carol_client, couple, alice):
    idea = service.propose_activity(space=space_of(alice), name="Canary-outsider-7f3a")
    for activity in (hug(), idea):
        assert carol_client.get(PAGE).status_code == 404
        r = carol_client.post(answer_url(activity), {field(activity): "yes"}, htmx=True)
        assert r.status_code == 404
        assert b"Canary-outsider-7f3a" not in r.content
        assert carol_client.post(withdraw_url(activity)).status_code == 404
    assert carol_client.post(PROPOSE, {"name": "Mine"}).status_code == 404
    assert not AlternativeAnswer.objects.exists()
    dashboard = carol_client.get(reverse("dashboard"))
    assert b"Canary-outsider-7f3a" not in dashboard.content


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_both_partners_see_their_answer_page(request, who, couple):
    client = request.getfixturevalue(f"{who}_client")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert b'id="my-answers"' in page.content and b'id="alternatives"' in page.content
    fragment = client.get(PAGE, htmx=True)
    assert fragment.content.lstrip().startswith(b'<section id="my-answers"')
    assert b"Cuddling" in fragment.content


def test_unknown_activity_is_404(alice_client, couple):
    r = alice_client.post(reverse("alternatives_answer", args=[999999]), {"a999999-answer": "yes"})
    assert r.status_code == 404
    assert alice_client.post(reverse("alternatives_withdraw", args=[999999])).status_code == 404


def test_get_is_refused_on_write_urls(alice_client, couple):
    activity = hug()
    assert alice_client.get(answer_url(activity)).status_code == 405
    assert alice_client.get(withdraw_url(activity)).status_code == 405
    assert alice_client.get(PROPOSE).status_code == 405


def test_every_post_without_csrf_token_is_rejected(alice_client, couple, alice, bob):
    activity = hug()
    service.answer_activity(space=space_of(alice), activity_id=activity.pk, answer="yes")
    service.answer_activity(space=space_of(bob), activity_id=activity.pk, answer="yes")
    for url, data in [
        (answer_url(activity), {field(activity): "no"}),
        (withdraw_url(activity), {}),
        (PROPOSE, {"name": "Forged"}),
    ]:
        assert alice_client.post(url, data, csrf=False).status_code == 403
    assert my_answer(alice, activity) == "yes"
    assert not AlternativeActivity.objects.filter(name="Forged").exists()


# Answering -------------------------------------------------------------------


def test_answer_without_javascript_saves_and_redirects_back(alice_client, couple, alice):
    activity = hug()
    r = alice_client.post(answer_url(activity), {field(activity): "maybe"})
    assert r.status_code == 302 and r["Location"] == f"{PAGE}#answer-{activity.pk}"
    assert my_answer(alice, activity) == "maybe"
    page = alice_client.get(PAGE)
    assert b'<p class="flash flash-success">Saved</p>' in page.content


def test_htmx_answer_returns_my_row_and_the_shared_list(alice_client, couple, alice):
    activity = hug()
    r = alice_client.post(answer_url(activity), {field(activity): "no"}, htmx=True)
    assert r.status_code == 200
    html = r.content.decode()
    assert html.lstrip().startswith(f'<li id="answer-{activity.pk}"')
    assert 'value="no" checked' in html.replace("\n", " ") or "checked" in html
    assert '<section id="alternatives"' in html and 'hx-swap-oob="true"' in html
    assert my_answer(alice, activity) == "no"


def test_bad_answer_is_422_with_the_form_and_nothing_saved(alice_client, couple, alice):
    activity = hug()
    r = alice_client.post(answer_url(activity), {field(activity): "forever"}, htmx=True)
    assert r.status_code == 422
    assert b"Please choose yes, maybe, no or not answered." in r.content
    r = alice_client.post(answer_url(activity), {field(activity): "forever"})
    assert r.status_code == 422
    assert b"Please choose yes, maybe, no or not answered." in r.content
    assert my_answer(alice, activity) == ""


def test_not_answered_clears_my_answer(alice_client, couple, alice):
    activity = hug()
    service.answer_activity(space=space_of(alice), activity_id=activity.pk, answer="yes")
    alice_client.post(answer_url(activity), {field(activity): ""}, htmx=True)
    assert not AlternativeAnswer.objects.filter(user=alice).exists()


def test_only_mutual_yes_appears_on_the_shared_list(alice_client, bob_client, couple, alice, bob):
    hugging, kissing, massage = (
        AlternativeActivity.objects.get(catalogue_key=k) for k in ("cuddling", "kissing", "massage")
    )
    alice_client.post(answer_url(hugging), {field(hugging): "yes"})
    alice_client.post(answer_url(kissing), {field(kissing): "yes"})
    alice_client.post(answer_url(massage), {field(massage): "maybe"})
    bob_client.post(answer_url(hugging), {field(hugging): "yes"})
    bob_client.post(answer_url(kissing), {field(kissing): "no"})
    bob_client.post(answer_url(massage), {field(massage): "yes"})
    for client in (alice_client, bob_client):
        shared = client.get(reverse("dashboard")).content.decode()
        section = shared[shared.index('<section id="alternatives"') :]
        section = section[: section.index("</section>")]
        assert f'id="agreed-{hugging.pk}"' in section
        assert f'id="agreed-{kissing.pk}"' not in section
        assert f'id="agreed-{massage.pk}"' not in section


def test_withdraw_removes_it_for_both_and_names_nobody(
    alice_client, bob_client, couple, alice, bob
):
    activity = hug()
    for user in (alice, bob):
        service.answer_activity(space=space_of(user), activity_id=activity.pk, answer="yes")
    r = bob_client.post(withdraw_url(activity), htmx=True)
    assert r.status_code == 200
    assert f'id="agreed-{activity.pk}"'.encode() not in r.content
    assert my_answer(bob, activity) == ""
    assert my_answer(alice, activity) == "yes"  # alice's own answer is hers
    for client in (alice_client, bob_client):
        dashboard = client.get(reverse("dashboard")).content
        assert f'id="agreed-{activity.pk}"'.encode() not in dashboard
    alice_page = alice_client.get(reverse("dashboard")).content.decode()
    assert "Bob" not in alice_page.split('<section id="alternatives"')[1].split("</section>")[0]
    assert "withdr" not in alice_page.lower()


def test_withdraw_on_the_answers_page_also_updates_my_row(bob_client, couple, alice, bob):
    activity = hug()
    for user in (alice, bob):
        service.answer_activity(space=space_of(user), activity_id=activity.pk, answer="yes")
    r = bob_client.post(
        withdraw_url(activity), htmx=True, HTTP_HX_CURRENT_URL=f"http://testserver{PAGE}"
    )
    html = r.content.decode()
    assert f'<li id="answer-{activity.pk}" class="answer-row" hx-swap-oob="true"' in html
    assert f'value="" id="id_a{activity.pk}-answer_3" checked' in html
    on_dashboard = bob_client.post(withdraw_url(activity), htmx=True)
    assert b"answer-row" not in on_dashboard.content


def test_withdraw_without_javascript_redirects_to_dashboard(bob_client, couple, alice, bob):
    activity = hug()
    for user in (alice, bob):
        service.answer_activity(space=space_of(user), activity_id=activity.pk, answer="yes")
    r = bob_client.post(withdraw_url(activity))
    assert r.status_code == 302 and r["Location"] == reverse("dashboard") + "#alternatives"
    assert my_answer(bob, activity) == ""


def test_withdraw_without_javascript_from_the_answers_page_goes_back_there(
    bob_client, couple, alice, bob
):
    activity = hug()
    for user in (alice, bob):
        service.answer_activity(space=space_of(user), activity_id=activity.pk, answer="yes")
    page = bob_client.get(PAGE).content.decode()
    assert 'name="back" value="alternatives"' in page
    r = bob_client.post(withdraw_url(activity), {"back": "alternatives"})
    assert r.status_code == 302 and r["Location"] == f"{PAGE}#alternatives"


# Proposing -------------------------------------------------------------------


def test_propose_adds_it_for_both_without_answering_for_anyone(
    alice_client, bob_client, couple, alice
):
    r = alice_client.post(PROPOSE, {"name": "Breakfast in bed"}, htmx=True)
    assert r.status_code == 200
    assert r.content.lstrip().startswith(b'<section id="my-answers"')
    assert b"Breakfast in bed" in r.content
    assert not AlternativeAnswer.objects.exists()
    assert b"Breakfast in bed" in bob_client.get(PAGE).content


def test_propose_without_javascript_redirects_to_the_new_row(alice_client, couple):
    r = alice_client.post(PROPOSE, {"name": "Breakfast in bed"})
    activity = AlternativeActivity.objects.get(name="Breakfast in bed")
    assert r.status_code == 302 and r["Location"] == f"{PAGE}#answer-{activity.pk}"


@pytest.mark.parametrize(
    "name, message",
    [
        ("x" * 81, b"Please keep the name to 80 characters"),
        ("", b"Please give the activity a short name."),
        ("  cuddling ", b"is already on your list"),
    ],
)
def test_bad_or_duplicate_proposal_is_422_kindly_and_nothing_saved(
    alice_client, couple, name, message
):
    for htmx in (True, False):
        r = alice_client.post(PROPOSE, {"name": name}, htmx=htmx)
        assert r.status_code == 422
        assert message in r.content
    assert not AlternativeActivity.objects.filter(couple__isnull=False).exists()


# Unlink ----------------------------------------------------------------------


def test_after_unlink_nothing_of_the_other_is_visible(alice_client, bob_client, couple, alice, bob):
    activity = hug()
    for user in (alice, bob):
        service.answer_activity(space=space_of(user), activity_id=activity.pk, answer="yes")
    idea = service.propose_activity(space=space_of(alice), name="Canary-unlink-91b2")
    linking.unlink(user=alice)
    for client in (alice_client, bob_client):
        assert client.get(PAGE).status_code == 404
        assert client.post(answer_url(idea), {field(idea): "yes"}).status_code == 404
        dashboard = client.get(reverse("dashboard")).content
        assert b"Canary-unlink-91b2" not in dashboard
        assert f'id="agreed-{activity.pk}"'.encode() not in dashboard


def test_a_request_without_the_answer_field_erases_nothing(alice_client, couple, alice):
    activity = hug()
    service.answer_activity(space=space_of(alice), activity_id=activity.pk, answer="yes")
    r = alice_client.post(answer_url(activity), {}, htmx=True)
    assert r.status_code == 422
    assert my_answer(alice, activity) == "yes"


def test_my_answers_link_is_not_shown_on_its_own_page(alice_client, bob, couple, alice):
    activity = hug()
    for user in (alice, bob):
        service.answer_activity(space=space_of(user), activity_id=activity.pk, answer="yes")
    assert b'id="my-answers-link"' in alice_client.get(reverse("dashboard")).content
    assert b'id="my-answers-link"' not in alice_client.get(PAGE).content
    # Nor in the shared list an htmx answer sends back to that page.
    here = {"HTTP_HX_CURRENT_URL": f"http://testserver{PAGE}"}
    html = alice_client.post(withdraw_url(activity), htmx=True, **here).content
    assert b'id="alternatives"' in html and b'id="my-answers-link"' not in html
    answered = alice_client.post(answer_url(activity), {field(activity): "no"}, htmx=True, **here)
    assert b'id="my-answers-link"' not in answered.content


def test_answers_save_by_themselves_with_javascript_and_keep_a_save_button_without(
    alice_client, couple
):
    page = alice_client.get(PAGE).content.decode()
    row = page.split(f'id="answer-{hug().pk}"')[1].split("</li>")[0]
    # The per-row Save exists only for a browser without JavaScript.
    assert re.search(r"<noscript><button type=\"submit\"[^>]*>Save</button></noscript>", row)
    assert (
        'hx-trigger="submit, commit-answer"' in row
        and "change" not in row.split("hx-trigger")[1][:30]
    )
    assert "js/answers.js" in page


def test_a_couple_adds_its_own_activity_from_the_answers_page(alice_client, bob_client, couple):
    page = alice_client.get(PAGE).content.decode()
    assert 'id="propose-form"' in page and "Add your own" in page
    html = alice_client.post(
        reverse("alternatives_propose"), {"name": "Breakfast in bed"}, htmx=True
    )
    assert b"Added to both your lists" in html.content and b"Breakfast in bed" in html.content
    # Bob sees a new activity to answer, with no answer set; nothing is agreed.
    bobs = bob_client.get(PAGE).content.decode()
    assert "Breakfast in bed" in bobs
    assert "Breakfast in bed" not in bobs.split('id="alternatives"')[1]
