"""My patterns, shared (issue 14, items 2 and 3): off by default; each partner
chooses which parts of their own summary to share, with a preview that is the
couple view's own partial; the couple view (dashboard part, therapy brief)
exists only while BOTH chose; withdrawing is live on both screens and gone
from the next brief. Until both chose, nothing the partner can fetch changes."""

import datetime
import io
import re

import pypdf
import pytest
from django.utils import timezone

from couples.access import shared_pattern_choices
from couples.models import Ask, AskAnswer, PatternSharing, RainCheck
from couples.services import linking, moment, patterns, statements, therapy
from tests.factories import link, space_of
from tests.test_live_frames import frames_for, verify_action  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TIRED = {
    "reason": "tired",
    "meaning": "Ptn14-sharing-meaning",
    "not_meaning": "It does not mean I don't want you.",
    "reassurance": "I love the way you hold me.",
}
EMPTY_PART = '<div id="shared-patterns" hidden></div>'
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=|nonce=|data-seq=)"[^"]*"')


def _when(days_ago: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour)), timezone.get_current_timezone()
    )


def _alice_declines_bob(alice, bob, *, times=3, **card):
    """bob asks, alice says not now with her "tired" statement (a rain check on
    the first); spread over the same evening of three weeks."""
    statement = statements.add_statement(space=space_of(alice), **TIRED)
    for n in range(times):
        item = moment.ask(space=space_of(bob), kind="closeness", when="now")
        space = space_of(alice)
        answer = moment.decline(
            space=space,
            ask_id=item.pk,
            card=moment.clean_card(
                space,
                statement_id=statement.pk,
                rain_check="come" if n == 0 else "",
                **card,
            ),
        )
        at = _when(7 * (n + 1), 20)
        Ask.objects.filter(pk=item.pk).update(created_at=at)
        AskAnswer.objects.filter(pk=answer.pk).update(created_at=at)
    return statement


@pytest.fixture
def clients(make_client, alice, bob, couple):
    return make_client(alice), make_client(bob)


def _share(client, *parts, htmx=False):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post("/patterns/sharing/", {"parts": list(parts), "action": "share"}, **extra)


def _stop(client):
    return client.post("/patterns/sharing/", {"action": "stop"})


def _part(html: str, name: str = "shared-patterns") -> str:
    match = re.search(rf'<(section|div) id="{name}".*?</\1>', html, re.S)
    assert match, f"no #{name} in the page"
    return match.group(0)


def _summary_of(html: str, person) -> str:
    match = re.search(
        rf'<article class="pattern-summary" data-person="{person.pk}">.*?</article>', html, re.S
    )
    assert match, f"no summary of {person} in the page"
    return match.group(0)


def _clean(html: str) -> str:
    return TOKEN.sub("", html)


def test_pattern_sharing_is_off_by_default(clients, alice, bob):
    a, b = clients
    _alice_declines_bob(alice, bob)
    for client in (a, b):
        assert _part(client.get("/").content.decode()) == EMPTY_PART
    page = a.get("/patterns/sharing/").content.decode()
    assert "You share nothing now." in page
    assert re.search(r'<input type="checkbox" name="parts"[^>]*checked', page) is None
    assert "Nothing: no part is chosen." in page  # the preview of nothing is nothing
    assert not PatternSharing.objects.exists()


def test_pattern_sharing_by_one_changes_nothing_anyone_else_sees(clients, alice, bob, make_client):
    a, b = clients
    _alice_declines_bob(alice, bob)
    before = _clean(b.get("/").content.decode())
    assert _share(a, "reasons", "week", "rain_checks", "asks").status_code == 302
    assert PatternSharing.objects.get(person=alice).parts == (
        "reasons",
        "week",
        "rain_checks",
        "asks",
    )
    assert _clean(b.get("/").content.decode()) == before
    assert b.get("/parts/shared-patterns/").content.decode().strip() == EMPTY_PART
    # alice's own dashboard does not show her choice either: only both choosing does.
    assert _part(a.get("/").content.decode()) == EMPTY_PART


def test_pattern_couple_view_appears_only_when_both_share_with_each_ones_parts(clients, alice, bob):
    a, b = clients
    _alice_declines_bob(alice, bob)
    _share(a, "reasons", "rain_checks")
    _share(b, "asks")
    for client in (a, b):
        page = client.get("/").content.decode()
        view = _part(page)
        assert 'id="shared-patterns-h"' in view
        hers, his = _summary_of(view, alice), _summary_of(view, bob)
        assert "When I say not now, it is most often because: tired." in hers
        assert "Of the rain checks I offered, I have redeemed none yet" in hers
        assert "When I ask" not in hers and "When I am open" not in hers
        assert "<dt>When I ask</dt>" in his and "Why I say not now" not in his
        assert "I ask most often on" in his
        # Words, not figures: nothing in either summary counts anything.
        assert not re.search(r"\d", re.sub(r"<[^>]+>", "", hers + his))


def test_pattern_preview_is_byte_for_byte_what_the_partner_sees(clients, alice, bob):
    a, b = clients
    _alice_declines_bob(alice, bob)
    _share(a, "reasons", "week", "rain_checks", "asks")
    _share(b, "asks")
    preview = _summary_of(a.get("/patterns/sharing/").content.decode(), alice)
    assert preview == _summary_of(b.get("/").content.decode(), alice)
    assert preview == _summary_of(a.get("/").content.decode(), alice)
    brief_session = therapy.plan_session(
        space=space_of(bob), planned_for=timezone.localdate() + datetime.timedelta(days=2)
    )
    brief = b.get(f"/therapy/{brief_session.pk}/brief/").content.decode()
    assert preview == _summary_of(brief, alice)


def test_pattern_preview_shows_the_ticked_parts_and_saves_nothing(clients, alice, bob):
    a, _b = clients
    _alice_declines_bob(alice, bob)
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = a.post("/patterns/sharing/", {"parts": ["week"], "action": "preview"}, **extra)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Preview of the parts ticked above" in page
        summary = _summary_of(page, alice)
        assert "<dt>When I am open, and when I say not now</dt>" in summary
        assert "Why I say not now" not in summary
        assert 'value="week" id="share-week" checked' in page  # the ticks stay as they were
    assert not PatternSharing.objects.exists()


def test_pattern_sharing_works_without_javascript_and_with_htmx(clients, alice, bob):
    a, _b = clients
    response = _share(a, "reasons")
    assert response.status_code == 302 and response["Location"] == "/patterns/sharing/"
    page = a.get("/patterns/sharing/").content.decode()
    assert "Saved. What you chose shows only while you both choose to share." in page
    assert "You share: “Why I say not now”." in page
    assert 'value="reasons" id="share-reasons" checked' in page
    response = _share(a, "reasons", "asks", htmx=True)
    assert response.status_code == 200 and response["Vary"].count("HX-Request")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="pattern-sharing"') and "<html" not in body
    assert 'id="sharing-saved"' in body
    assert PatternSharing.objects.get(person=alice).parts == ("reasons", "asks")
    response = a.post("/patterns/sharing/", {"action": "stop"}, HTTP_HX_REQUEST="true")
    assert "You share nothing of your patterns now." in response.content.decode()
    assert not PatternSharing.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Please choose to share or to stop sharing."),
        ({"action": "share"}, "Tick at least one part to share"),
        ({"action": "share", "parts": ["scores"]}, "Please choose among the parts listed."),
        ({"action": "broadcast", "parts": ["week"]}, "Select a valid choice"),
    ],
)
def test_pattern_sharing_bad_input_is_refused_clearly_and_changes_nothing(
    clients, alice, data, message
):
    a, _b = clients
    _share(a, "week")
    response = a.post("/patterns/sharing/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert PatternSharing.objects.get(person=alice).parts == ("week",)


def test_pattern_sharing_page_answers_the_same_whatever_the_partner_chose(clients, alice, bob):
    """bob's sharing page and every answer to his choices must not tell him
    whether alice chose to share: the dashboard's couple view is the only
    place their both choosing shows."""
    _a, b = clients
    _alice_declines_bob(alice, bob)
    seen = {}
    for alices in ((), ("reasons",), ("reasons", "week", "rain_checks", "asks")):
        patterns.choose_sharing(space=space_of(alice), parts=alices)
        for method, data in (
            ("GET", None),
            ("POST", {"action": "preview", "parts": ["asks"]}),
            ("POST", {"action": "share", "parts": ["asks"]}),
            ("HX", {"action": "share", "parts": ["asks", "week"]}),
            ("HX", {"action": "stop"}),
            ("POST", {"action": "share"}),
        ):
            if method == "GET":
                response = b.get("/patterns/sharing/")
            else:
                extra = {"HTTP_HX_REQUEST": "true"} if method == "HX" else {}
                response = b.post("/patterns/sharing/", data, **extra)
            key = f"{method} {data}"
            body = _clean(response.content.decode())
            seen.setdefault(key, set()).add((response.status_code, body))
            page = _clean(b.get("/patterns/").content.decode())
            seen.setdefault(f"{key} then /patterns/", set()).add(page)
    differing = [key for key, bodies in seen.items() if len(bodies) > 1]
    assert not differing, f"bob's sharing answers depend on alice's choice: {differing}"


def test_pattern_sharing_pushes_only_when_the_couple_view_changes(
    alice,
    bob,
    couple,
    sent,
    run,
    verify_action,  # noqa: F811
):
    _alice_declines_bob(alice, bob)
    # alice alone: no frame for anyone, and both dashboards stay as they were.
    verify_action(
        lambda: patterns.choose_sharing(space=space_of(alice), parts=["reasons"]),
        expect_frames=False,
    )
    assert sent == []
    verify_action(
        lambda: patterns.choose_sharing(space=space_of(alice), parts=["reasons", "week"]),
        expect_frames=False,
    )
    # bob too: the couple view appears on both screens, live.
    frames = verify_action(lambda: patterns.choose_sharing(space=space_of(bob), parts=["asks"]))
    for person in (alice, bob):
        assert 'id="shared-patterns-h"' in frames[person.pk][0]
        assert _summary_of(frames[person.pk][0], alice)
    assert {group for group, _e in sent} == {f"user.{alice.pk}", f"user.{bob.pk}"}
    # The same choice again changes nothing: no push.
    verify_action(
        lambda: patterns.choose_sharing(space=space_of(bob), parts=["asks"]), expect_frames=False
    )
    # alice withdraws: gone from both screens at once.
    frames = verify_action(lambda: patterns.stop_sharing(space=space_of(alice)))
    for person in (alice, bob):
        assert EMPTY_PART in frames[person.pk][0]


def test_pattern_withdrawing_is_gone_from_the_next_brief(clients, alice, bob):
    a, b = clients
    _alice_declines_bob(alice, bob)
    session = therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=2)
    )
    brief_url = f"/therapy/{session.pk}/brief/"
    _share(a, "reasons")
    assert 'id="brief-patterns"' not in b.get(brief_url).content.decode()  # one is not both
    assert 'id="brief-patterns"' not in a.get(brief_url).content.decode()
    _share(b, "asks")
    for client in (a, b):
        brief = client.get(brief_url).content.decode()
        assert 'id="brief-patterns"' in brief
        assert "When I say not now, it is most often because: tired." in brief
    _stop(b)
    for client in (a, b):
        brief = client.get(brief_url).content.decode()
        assert 'id="brief-patterns"' not in brief and "pattern-summary" not in brief


def test_pattern_pdf_brief_holds_the_couple_view_only_while_both_share(clients, alice, bob):
    a, b = clients
    _alice_declines_bob(alice, bob)
    session = therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=2)
    )

    def pdf_text(client):
        response = client.get(f"/therapy/{session.pk}/brief.pdf")
        assert response.status_code == 200
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    _share(a, "reasons")
    assert "most often because" not in pdf_text(b)
    _share(b, "asks")
    assert "most often because" in pdf_text(b)
    _stop(a)
    assert "most often because" not in pdf_text(b)


def test_pattern_sharing_ends_with_the_couple_and_never_carries_over(alice, bob, couple):
    patterns.choose_sharing(space=space_of(alice), parts=["reasons"])
    patterns.choose_sharing(space=space_of(bob), parts=["asks"])
    linking.unlink(user=alice)
    assert not PatternSharing.objects.exists()
    link(alice, bob)  # the same two again: a new couple, nothing shared
    assert shared_pattern_choices(space_of(alice)) is None
    assert not PatternSharing.objects.exists()


def test_pattern_sharing_needs_login_and_a_couple(anon_client, make_client, carol):
    response = anon_client.get("/patterns/sharing/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert make_client(carol).get("/patterns/sharing/").status_code == 404
    assert make_client(carol).post("/patterns/sharing/", {"action": "stop"}).status_code == 404


def test_pattern_rain_check_words_follow_what_i_redeemed():
    from couples.domain.patterns import shared_rain_checks

    assert shared_rain_checks({}) == "I have not offered a rain check yet."
    assert "redeemed none yet" in shared_rain_checks({"let_go": 2})
    assert "redeemed some" in shared_rain_checks({"redeemed": 1, "let_go": 2})
    assert "redeemed most" in shared_rain_checks({"redeemed": 2, "let_go": 1})
    assert shared_rain_checks({"redeemed": 3}) == (
        "Of the rain checks I offered, I have redeemed all."
    )
    assert "still open, mine to redeem" in shared_rain_checks({"open": 1, "redeemed": 1})
    assert RainCheck.REDEEMED == "redeemed"


# --- Export and deletion (item 6) ------------------------------------------------


def test_pattern_sharing_is_in_my_export_and_my_partners_choice_is_not(clients, alice, bob):
    import json

    import jsonschema

    from couples.export import build_export
    from tests.test_ownership_export import SCHEMA

    a, _b = clients
    _share(a, "week", "reasons")
    document = build_export(alice)
    assert [
        {key: row[key] for key in ("couple", "parts")} for row in document["pattern_sharing"]
    ] == [{"couple": space_of(alice).couple.pk, "parts": ["reasons", "week"]}]
    assert build_export(bob)["pattern_sharing"] == []  # alice's choice is hers alone
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(json.loads(json.dumps(document, default=str)))


def test_pattern_sharing_goes_with_the_account_and_the_couple_view_with_it(
    clients, alice, bob, couple
):
    from tests.factories import PASSWORD

    a, b = clients
    _alice_declines_bob(alice, bob)
    _share(a, "reasons")
    _share(b, "asks")
    assert 'id="shared-patterns-h"' in b.get("/").content.decode()
    response = a.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not PatternSharing.objects.exists()  # hers (cascade) and bob's (the unlink)
    assert "pattern-summary" not in b.get("/").content.decode()
