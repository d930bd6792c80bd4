import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from couples.models import Statement, StatementQuestion
from couples.services import linking
from couples.services import statements as services
from tests.factories import UserFactory, link, space_of

pytestmark = pytest.mark.django_db

WORDS = {
    "reason": "tired",
    "meaning": "ALICE-MEANING my body is done for the day.",
    "not_meaning": "Not that I want you less.",
    "reassurance": "I love how you reach for me.",
    "rain_check": "Ask me on Saturday morning.",
}


def write(author, **overrides):
    return services.add_statement(space=space_of(author), **{**WORDS, **overrides})


def form_data(**overrides):
    return {**WORDS, **overrides}


@pytest.fixture
def statement(couple, alice):
    return write(alice)


@pytest.fixture
def question(statement, bob):
    return services.ask_question(
        space=space_of(bob), statement_id=statement.pk, text="BOB-QUESTION?"
    )


@pytest.fixture
def carol_linked(carol):
    """carol in a couple of her own, so 404s are about ownership, not linking."""
    link(carol, UserFactory(display_name="Dave"))
    return carol


def urls(statement, question):
    return {
        "new": reverse("statement_new"),
        "edit": reverse("statement_edit", args=[statement.pk]),
        "retire": reverse("statement_retire", args=[statement.pk]),
        "heard": reverse("statement_heard", args=[statement.pk]),
        "ask": reverse("statement_ask", args=[statement.pk]),
        "history": reverse("statement_history", args=[statement.pk]),
        "answer": reverse("statement_answer", args=[question.pk]),
    }


# --- anonymous -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["new", "edit", "retire", "heard", "ask", "history", "answer"])
def test_anonymous_is_sent_to_login_and_htmx_gets_401_with_hx_redirect(
    anon_client, statement, question, name
):
    url = urls(statement, question)[name]
    method = anon_client.get if name in {"new", "edit", "history"} else anon_client.post
    response = method(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    response = method(url, htmx=True)
    assert response.status_code == 401
    assert "/accounts/login/" in response["HX-Redirect"]
    assert WORDS["meaning"].encode() not in response.content


# --- outsider -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["edit", "retire", "heard", "ask", "history", "answer"])
@pytest.mark.parametrize("linked", [True, False])
def test_outsider_gets_404_everywhere_and_nothing_changes(
    make_client, carol, statement, question, name, linked
):
    if linked:
        link(carol, UserFactory())
    client = make_client(carol)
    url = urls(statement, question)[name]
    if name in {"edit", "history"}:
        response = client.get(url)
        assert response.status_code == 404
        assert WORDS["meaning"].encode() not in response.content
    response = client.post(url, {**form_data(meaning="carol"), "text": "x", "answer": "x"})
    assert response.status_code in {404, 405}
    assert WORDS["meaning"].encode() not in response.content
    statement.refresh_from_db()
    question.refresh_from_db()
    assert statement.meaning == WORDS["meaning"]
    assert statement.retired_at is None and statement.heard_version is None
    assert question.answer == "" and StatementQuestion.objects.count() == 1


def test_outsider_dashboard_shows_nothing_of_the_couple(make_client, carol_linked, statement):
    response = make_client(carol_linked).get(reverse("dashboard"))
    assert response.status_code == 200
    assert WORDS["meaning"].encode() not in response.content


def test_unlinked_person_cannot_open_the_write_page(carol_client):
    assert carol_client.get(reverse("statement_new")).status_code == 404
    response = carol_client.post(reverse("statement_new"), form_data())
    assert response.status_code == 404
    assert not Statement.objects.exists()


def test_unknown_ids_are_404(alice_client, couple):
    assert alice_client.get(reverse("statement_edit", args=[999999])).status_code == 404
    assert alice_client.post(reverse("statement_retire", args=[999999])).status_code == 404
    assert alice_client.post(reverse("statement_answer", args=[999999])).status_code == 404


# --- the author -----------------------------------------------------------------


def test_author_writes_a_statement_and_both_see_it_on_the_dashboard(
    alice_client, bob_client, couple, alice
):
    page = alice_client.get(reverse("statement_new"))
    assert page.status_code == 200
    assert b"Need a place to start?" in page.content
    response = alice_client.post(reverse("statement_new"), form_data())
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.author == alice
    for client in (alice_client, bob_client):
        assert WORDS["meaning"].encode() in client.get(reverse("dashboard")).content


def test_write_over_htmx_redirects_the_page(alice_client, couple):
    response = alice_client.post(reverse("statement_new"), form_data(), htmx=True)
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("dashboard"))


def test_write_rejects_csrf_less_post(alice_client, couple):
    response = alice_client.post(reverse("statement_new"), form_data(), csrf=False)
    assert response.status_code == 403
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"),
    [("meaning", 1000), ("not_meaning", 1000), ("reassurance", 1000), ("rain_check", 500)],
)
def test_too_long_text_is_422_with_a_clear_message_and_nothing_saved(
    alice_client, couple, field, limit
):
    response = alice_client.post(
        reverse("statement_new"), form_data(**{field: "x" * (limit + 1)}), htmx=True
    )
    assert response.status_code == 422
    assert f"to {limit} characters or fewer".encode() in response.content
    assert b'id="statement-form"' in response.content
    assert b"<html" not in response.content
    assert not Statement.objects.exists()


def test_unknown_reason_is_422(alice_client, couple):
    response = alice_client.post(reverse("statement_new"), form_data(reason="bored"))
    assert response.status_code == 422
    assert b"choose one of the reasons" in response.content
    assert not Statement.objects.exists()


def test_author_edits_and_history_shows_both_versions_with_dates(
    alice_client, bob_client, statement
):
    url = reverse("statement_edit", args=[statement.pk])
    page = alice_client.get(url)
    assert page.status_code == 200
    assert b'name="version" value="1"' in page.content
    response = alice_client.post(url, form_data(meaning="SECOND-WORDS", version=1))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.version == 2
    history_url = reverse("statement_history", args=[statement.pk])
    for client in (alice_client, bob_client):
        history = client.get(history_url)
        assert history.status_code == 200
        assert b"SECOND-WORDS" in history.content
        assert WORDS["meaning"].encode() in history.content
        assert statement.created_at.strftime("%Y").encode() in history.content


def test_edit_rejects_csrf_less_post(alice_client, statement):
    url = reverse("statement_edit", args=[statement.pk])
    response = alice_client.post(url, form_data(meaning="x", version=1), csrf=False)
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.version == 1


def test_stale_edit_is_409_showing_saved_and_own_text(alice_client, alice, statement):
    url = reverse("statement_edit", args=[statement.pk])
    # Tab A and tab B both rendered version 1; tab A saves first.
    services.edit_statement(
        space=space_of(alice),
        statement_id=statement.pk,
        version=1,
        **form_data(meaning="TAB-A-SAVED"),
    )
    response = alice_client.post(url, form_data(meaning="TAB-B-TYPED", version=1), htmx=True)
    assert response.status_code == 409
    assert b"TAB-A-SAVED" in response.content
    assert b"TAB-B-TYPED" in response.content
    assert b'name="version" value="2"' in response.content
    statement.refresh_from_db()
    assert statement.meaning == "TAB-A-SAVED"
    # Merging and saving again from the re-rendered form works.
    response = alice_client.post(url, form_data(meaning="MERGED", version=2))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.meaning == "MERGED"


def test_partner_cannot_open_or_post_the_edit_form(bob_client, statement):
    url = reverse("statement_edit", args=[statement.pk])
    assert bob_client.get(url).status_code == 404
    response = bob_client.post(url, form_data(meaning="BOB-WORDS", version=1))
    assert response.status_code == 404
    statement.refresh_from_db()
    assert statement.meaning == WORDS["meaning"]


def test_dashboard_offers_edit_only_to_the_author(alice_client, bob_client, statement):
    edit_url = reverse("statement_edit", args=[statement.pk]).encode()
    retire_url = reverse("statement_retire", args=[statement.pk]).encode()
    alice_page = alice_client.get(reverse("dashboard")).content
    bob_page = bob_client.get(reverse("dashboard")).content
    assert edit_url in alice_page and retire_url in alice_page
    assert edit_url not in bob_page and retire_url not in bob_page


# --- retire ---------------------------------------------------------------------


def test_retired_statement_leaves_the_shared_list_but_stays_in_the_authors_history(
    alice_client, bob_client, statement
):
    response = alice_client.post(reverse("statement_retire", args=[statement.pk]), htmx=True)
    assert response.status_code == 200
    assert response.content.lstrip().startswith(b'<section id="statements"')
    assert b"Your retired statements" in response.content
    bob_page = bob_client.get(reverse("dashboard")).content
    assert WORDS["meaning"].encode() not in bob_page
    history_url = reverse("statement_history", args=[statement.pk])
    assert bob_client.get(history_url).status_code == 404
    history = alice_client.get(history_url)
    assert history.status_code == 200
    assert WORDS["meaning"].encode() in history.content


def test_retire_rejects_csrf_less_post_and_the_partner(alice_client, bob_client, statement):
    url = reverse("statement_retire", args=[statement.pk])
    assert alice_client.post(url, csrf=False).status_code == 403
    assert bob_client.post(url).status_code == 404
    statement.refresh_from_db()
    assert statement.retired_at is None


def test_retire_is_post_only(alice_client, statement):
    response = alice_client.get(reverse("statement_retire", args=[statement.pk]))
    assert response.status_code == 405
    statement.refresh_from_db()
    assert statement.retired_at is None


# --- heard ----------------------------------------------------------------------


def test_partner_marks_heard_and_author_sees_only_heard(alice_client, bob_client, statement):
    url = reverse("statement_heard", args=[statement.pk])
    assert b"Heard</span>" not in alice_client.get(reverse("dashboard")).content
    response = bob_client.post(url, htmx=True)
    assert response.status_code == 200
    assert b"You marked this heard" in response.content
    alice_section = alice_client.get(reverse("dashboard")).content
    assert b'<span class="statement-heard">Heard</span>' in alice_section


def test_heard_is_reset_by_an_edit(alice, alice_client, bob, statement):
    services.mark_heard(space=space_of(bob), statement_id=statement.pk)
    services.edit_statement(
        space=space_of(alice), statement_id=statement.pk, version=1, **form_data(meaning="NEW")
    )
    assert b"statement-heard" not in alice_client.get(reverse("dashboard")).content


def test_heard_rejects_the_author_and_csrf_less_post(alice_client, bob_client, statement):
    url = reverse("statement_heard", args=[statement.pk])
    assert alice_client.post(url).status_code == 404
    assert bob_client.post(url, csrf=False).status_code == 403
    statement.refresh_from_db()
    assert statement.heard_version is None


def test_plain_post_heard_redirects_back(bob_client, statement):
    response = bob_client.post(reverse("statement_heard", args=[statement.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard"))


# --- questions ------------------------------------------------------------------


def test_partner_asks_author_answers_and_both_see_the_exchange(alice_client, bob_client, statement):
    response = bob_client.post(
        reverse("statement_ask", args=[statement.pk]), {"text": "BOB-ASKS?"}, htmx=True
    )
    assert response.status_code == 200
    question = StatementQuestion.objects.get()
    assert b"BOB-ASKS?" in alice_client.get(reverse("dashboard")).content
    response = alice_client.post(
        reverse("statement_answer", args=[question.pk]),
        {"answer": "ALICE-ANSWERS", "version": 1},
        htmx=True,
    )
    assert response.status_code == 200
    bob_page = bob_client.get(reverse("dashboard")).content
    assert b"BOB-ASKS?" in bob_page and b"ALICE-ANSWERS" in bob_page


def test_ask_rejects_the_author_csrf_less_and_too_long(alice_client, bob_client, statement):
    url = reverse("statement_ask", args=[statement.pk])
    assert alice_client.post(url, {"text": "own"}).status_code == 404
    assert bob_client.post(url, {"text": "hi"}, csrf=False).status_code == 403
    response = bob_client.post(url, {"text": "q" * 501}, htmx=True)
    assert response.status_code == 422
    assert b"to 500 characters or fewer" in response.content
    assert response.content.lstrip().startswith(b'<section id="statements"')
    response = bob_client.post(url, {"text": "q" * 501})
    assert response.status_code == 422
    assert b"<html" in response.content and b"to 500 characters or fewer" in response.content
    assert not StatementQuestion.objects.exists()


def test_answer_rejects_the_partner_csrf_less_stale_and_too_long(
    alice_client, bob_client, question
):
    url = reverse("statement_answer", args=[question.pk])
    assert bob_client.post(url, {"answer": "bob", "version": 1}).status_code == 404
    assert alice_client.post(url, {"answer": "a", "version": 1}, csrf=False).status_code == 403
    response = alice_client.post(url, {"answer": "a" * 1001, "version": 1}, htmx=True)
    assert response.status_code == 422
    assert b"to 1000 characters or fewer" in response.content
    alice_client.post(url, {"answer": "FIRST-ANSWER", "version": 1})
    response = alice_client.post(url, {"answer": "STALE-ANSWER", "version": 1}, htmx=True)
    assert response.status_code == 409
    assert b"FIRST-ANSWER" in response.content and b"STALE-ANSWER" in response.content
    question.refresh_from_db()
    assert question.answer == "FIRST-ANSWER"


# --- unlink ---------------------------------------------------------------------


def test_after_unlink_the_partner_sees_nothing(alice, bob_client, statement, question):
    linking.unlink(user=alice)
    page = bob_client.get(reverse("dashboard")).content
    assert WORDS["meaning"].encode() not in page
    assert bob_client.get(reverse("statement_history", args=[statement.pk])).status_code == 404


def test_a_new_partner_never_sees_statements_written_for_an_old_one(
    alice, bob, make_client, statement
):
    linking.unlink(user=bob)
    dave = UserFactory(display_name="Dave")
    link(alice, dave)
    dave_client = make_client(dave)
    assert WORDS["meaning"].encode() not in dave_client.get(reverse("dashboard")).content
    url = reverse("statement_history", args=[statement.pk])
    assert dave_client.get(url).status_code == 404
    # alice's new space starts empty too; her old words are not carried over.
    assert WORDS["meaning"].encode() not in make_client(alice).get(reverse("dashboard")).content


# --- queries --------------------------------------------------------------------


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_statements(
    alice, bob, alice_client, bob_client, couple
):
    def add_batch(n):
        for i in range(n):
            mine = write(alice, meaning=f"alice {i}")
            theirs = write(bob, meaning=f"bob {i}")
            services.ask_question(space=space_of(bob), statement_id=mine.pk, text=f"q {i}")
            services.ask_question(space=space_of(alice), statement_id=theirs.pk, text=f"q {i}")
            retired = write(alice, meaning=f"old {i}")
            services.retire_statement(space=space_of(alice), statement_id=retired.pk)

    add_batch(1)
    one = (_dashboard_queries(alice_client), _dashboard_queries(bob_client))
    add_batch(199)
    many = (_dashboard_queries(alice_client), _dashboard_queries(bob_client))
    assert one == many


# --- starters and the live-sync render -----------------------------------------


def test_every_reason_has_starter_phrasings():
    from couples.domain.starters import STARTERS, starters
    from couples.models import Reason

    assert set(STARTERS) == set(Reason)
    for starter in starters():
        assert all(starter[key].strip() for key in ("meaning", "not_meaning", "reassurance"))


def test_starters_are_offered_beside_an_empty_form_never_prefilled(alice_client, couple):
    from couples.domain.starters import STARTERS

    page = alice_client.get(reverse("statement_new")).content.decode()
    tired = STARTERS["tired"]["meaning"]
    assert tired.replace("'", "&#x27;") in page
    form_html = page.split('id="statement-form"')[1].split("</form>")[0]
    assert "When I say no late in the day" not in form_html
    # A first-time writer gets the starters, and the first set, open.
    assert '<details id="starters" open>' in page
    assert '<details class="starter" id="starter-tired" open>' in page


def test_the_part_renders_for_each_viewer_as_live_sync_will(rf, alice, bob, statement):
    from couples import parts
    from couples.access import current_space

    retired = write(alice, meaning="ALICE-RETIRED-WORDS")
    services.retire_statement(space=space_of(alice), statement_id=retired.pk)
    html = {}
    for user in (alice, bob):
        request = rf.get("/")
        request.user = user
        request.session = {}
        html[user.pk] = parts.render_part_html("statements", request, current_space(user))
    assert html[alice.pk].lstrip().startswith('<section id="statements"')
    assert WORDS["meaning"] in html[alice.pk] and WORDS["meaning"] in html[bob.pk]
    # Retired statements are history: one link away, each person's own only.
    assert reverse("statements_retired") in html[alice.pk]
    assert "ALICE-RETIRED-WORDS" not in html[bob.pk]
    for user, shown in ((alice, True), (bob, False)):
        client = Client()
        client.force_login(user)
        page = client.get(reverse("statements_retired")).content.decode()
        assert ("ALICE-RETIRED-WORDS" in page) is shown
    assert reverse("statement_edit", args=[statement.pk]) not in html[bob.pk]


def test_starters_come_before_the_form_each_with_a_use_button_for_its_field(alice_client, couple):
    page = alice_client.get(reverse("statement_new")).content.decode()
    assert page.index('class="statement-starters"') < page.index('id="statement-form"')
    tired = page.split('id="starter-tired"')[1].split("</details>")[0]
    for field in ("meaning", "not_meaning", "reassurance", "rain_check"):
        assert f'class="starter-use secondary outline" data-field="id_{field}"' in tired
    # Hidden until the static script shows them; without it, a link starts from the words.
    assert "hidden>Use</button>" in tired and "?starter=tired#statement-form" in tired
    assert "js/starters.js" in page


def test_starting_from_a_starter_without_javascript_fills_the_new_form_only_when_asked(
    alice_client, couple
):
    from couples.domain.starters import STARTERS

    page = alice_client.get(reverse("statement_new"), {"starter": "tired"}).content.decode()
    form_html = page.split('id="statement-form"')[1].split("</form>")[0]
    assert '<option value="tired" selected>' in form_html
    assert STARTERS["tired"]["not_meaning"].replace("'", "&#x27;") in form_html
    unknown = alice_client.get(reverse("statement_new"), {"starter": "nope"}).content.decode()
    assert (
        "When I say no late in the day"
        not in unknown.split('id="statement-form"')[1].split("</form>")[0]
    )
