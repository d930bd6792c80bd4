"""A therapist's copy: a read-only link to one session's shared brief, for a
named therapist, that works only once both partners consent (issue 17, item 4);
and the brief's new sections (item 3)."""

import datetime
import hashlib
import io
import re

import pypdf
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from couples import brief
from couples.models import (
    AlternativeActivity,
    Reflection,
    TherapistLink,
    TherapistLinkConsent,
    TherapistLinkView,
)
from couples.services import alternatives, linking, ownership, therapy
from tests.factories import PASSWORD, space_of
from tests.ownership_helpers import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(alice, bob, couple):
    return populate(alice, bob)


def make_link(person, session, *, days=7, name="Dr. Reyes"):
    return therapy.create_therapist_link(
        space=space_of(person), session_id=session.pk, therapist_name=name, days=days
    )


@pytest.fixture
def agreed(alice, bob, written):
    """A link alice made and bob agreed to: (link, token)."""
    link, token = make_link(alice, written[0].session)
    therapy.consent_to_therapist_link(space=space_of(bob), link_id=link.pk)
    return link, token


def view_url(token):
    return reverse("therapist_view", args=[token])


def pdf_url(token):
    return reverse("therapist_pdf", args=[token])


def pdf_text(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def visible_text(html):
    body = html.split("<body", 1)[1]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


# --- consent, revoke, expiry: 404 at once ----------------------------------------------


def test_therapist_link_without_the_partners_consent_is_404_then_works_once_both_agree(
    anon_client, alice, bob, written
):
    link, token = make_link(alice, written[0].session)
    assert anon_client.get(view_url(token)).status_code == 404
    assert anon_client.get(pdf_url(token)).status_code == 404
    assert not TherapistLinkView.objects.exists()  # a 404 is not a view
    therapy.consent_to_therapist_link(space=space_of(bob), link_id=link.pk)
    assert anon_client.get(view_url(token)).status_code == 200


def test_therapist_link_revoked_by_either_partner_is_404_at_once(anon_client, bob, agreed):
    link, token = agreed
    assert anon_client.get(view_url(token)).status_code == 200
    therapy.revoke_therapist_link(space=space_of(bob), link_id=link.pk)
    assert anon_client.get(view_url(token)).status_code == 404
    assert anon_client.get(pdf_url(token)).status_code == 404


def test_therapist_link_revoked_through_the_page_is_404_at_once(anon_client, alice_client, agreed):
    link, token = agreed
    response = alice_client.post(reverse("therapist_link_revoke", args=[link.pk]))
    assert response.status_code == 302
    assert anon_client.get(view_url(token)).status_code == 404


def test_therapist_link_expired_is_404_at_once(anon_client, agreed):
    link, token = agreed
    TherapistLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert anon_client.get(view_url(token)).status_code == 404
    assert anon_client.get(pdf_url(token)).status_code == 404


def test_therapist_link_expires_after_7_days_by_default_and_30_at_most(alice, written):
    session = written[0].session
    link, _ = make_link(alice, session)
    assert link.expires_at - link.created_at == datetime.timedelta(days=7)
    link, _ = make_link(alice, session, days=30)
    assert link.expires_at - link.created_at == datetime.timedelta(days=30)
    with pytest.raises(therapy.TherapyError):
        make_link(alice, session, days=31)


def test_therapist_link_form_refuses_more_than_30_days(alice_client, written):
    url = reverse("therapist_link_create", args=[written[0].session.pk])
    response = alice_client.post(url, {"therapist_name": "Dr. Reyes", "days": "31"})
    assert response.status_code == 422
    assert "30 days at most." in response.content.decode()
    assert not TherapistLink.objects.exists()


def test_therapist_link_a_revoked_link_cannot_be_consented_back(alice, bob, written):
    link, _ = make_link(alice, written[0].session)
    therapy.revoke_therapist_link(space=space_of(alice), link_id=link.pk)
    with pytest.raises(therapy.Gone):
        therapy.consent_to_therapist_link(space=space_of(bob), link_id=link.pk)


def test_therapist_wrong_token_is_the_same_404_as_a_revoked_one(anon_client, alice, agreed):
    link, token = agreed
    wrong = anon_client.get(view_url(token[:-1] + ("A" if token[-1] != "A" else "B")))
    therapy.revoke_therapist_link(space=space_of(alice), link_id=link.pk)
    revoked = anon_client.get(view_url(token))
    assert wrong.status_code == revoked.status_code == 404
    assert wrong.content == revoked.content


def test_therapist_token_has_256_bits_and_only_its_sha256_is_stored(alice, written):
    link, token = make_link(alice, written[0].session)
    assert len(token) >= 43  # token_urlsafe(32): 32 random bytes
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM couples_therapistlink")
        assert token not in str(cursor.fetchall())


# --- headers, rate limit, no account ----------------------------------------------------


@pytest.mark.parametrize("which", ["page", "pdf", "missing"])
def test_therapist_view_is_never_indexed_kept_or_named_in_a_referer(anon_client, agreed, which):
    _, token = agreed
    url = {"page": view_url(token), "pdf": pdf_url(token), "missing": view_url("nope" * 11)}
    response = anon_client.get(url[which])
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    if which != "pdf":
        html = response.content.decode()
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert '<meta name="referrer" content="no-referrer">' in html


def test_therapist_view_is_rate_limited_per_address(anon_client, agreed):
    _, token = agreed
    for _ in range(20):
        assert anon_client.get(view_url("x" * 43)).status_code == 404
    response = anon_client.get(view_url(token))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    other = anon_client.get(view_url(token), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_therapist_view_needs_no_account_and_has_no_navigation_into_the_space(anon_client, agreed):
    _, token = agreed
    html = anon_client.get(view_url(token)).content.decode()
    assert reverse("dashboard") + "#" not in html
    assert "Back to the session" not in html
    assert pdf_url(token) in html


# --- what the therapist's copy holds -----------------------------------------------------


def test_therapist_copy_holds_the_shared_brief_and_no_private_reflection(
    anon_client, alice_client, written, agreed
):
    alice_words, bob_words = written
    _, token = agreed
    html = anon_client.get(view_url(token)).content.decode()
    for shared in (alice_words.topic, bob_words.topic, alice_words.meaning, bob_words.meaning):
        assert shared in html
    for private in alice_words.private_canaries() + bob_words.private_canaries():
        assert private not in html
    assert "Session brief, therapist’s copy" in html
    assert "Neither of them added a private reflection to this copy." in html
    # The same shared sections as a partner's own copy, in the same order.
    own = alice_client.get(reverse("therapy_brief", args=[alice_words.session.pk])).content
    own_sections = re.findall(r'<section class="brief-section[^"]*" id="([^"]+)"', own.decode())
    copy_sections = re.findall(r'<section class="brief-section[^"]*" id="([^"]+)"', html)
    assert copy_sections == [s for s in own_sections if s != "brief-reflections"] + [
        "brief-therapist-picks"
    ]


def test_therapist_copy_never_calls_a_private_section(rf, alice, bob, written, agreed):
    link, _ = agreed
    called = []

    @brief.private_section
    def spy(request, space, session):
        called.append(True)
        return brief.BriefSection("spy", {}, shared=False)

    def shared_but_marked_private(request, space, session):
        return brief.BriefSection("leak", {}, shared=False)

    original = brief.SECTION_BUILDERS
    brief.SECTION_BUILDERS = (*original, spy, shared_but_marked_private)
    try:
        request = rf.get("/")
        context = brief.therapist_context(request, link, space_of(alice))
    finally:
        brief.SECTION_BUILDERS = original
    assert not called
    assert [s.name for s in context["sections"]][-1] == "therapist-picks"
    assert "leak" not in [s.name for s in context["sections"]]


def test_therapist_copy_shows_a_partners_pick_only_after_they_add_it(
    anon_client, alice_client, bob_client, alice, written, agreed
):
    alice_words, bob_words = written
    link, token = agreed
    flagged = Reflection.objects.get(author=alice, bring_to_therapy=True)
    response = alice_client.post(
        reverse("therapist_link_picks", args=[link.pk]), {"reflection": [flagged.pk]}
    )
    assert response.status_code == 302
    html = anon_client.get(view_url(token)).content.decode()
    assert alice_words.flagged in html
    assert bob_words.flagged not in html and alice_words.unflagged not in html
    assert "From Alice’s journal" in html
    # Bob's own brief and his session page never show alice's pick.
    bob_brief = bob_client.get(reverse("therapy_brief", args=[alice_words.session.pk]))
    bob_page = bob_client.get(reverse("therapy_session", args=[alice_words.session.pk]))
    assert alice_words.flagged not in bob_brief.content.decode()
    assert alice_words.flagged not in bob_page.content.decode()
    # Taken out again: gone from the copy at once.
    alice_client.post(reverse("therapist_link_picks", args=[link.pk]), {})
    assert alice_words.flagged not in anon_client.get(view_url(token)).content.decode()


def test_therapist_picks_only_the_pickers_own_flagged_reflections(bob, alice, written, agreed):
    link, _ = agreed
    alices = Reflection.objects.get(author=alice, bring_to_therapy=True)
    bobs_unflagged = Reflection.objects.get(author=bob, bring_to_therapy=False)
    for reflection in (alices, bobs_unflagged):
        with pytest.raises(therapy.NotFound):
            therapy.set_therapist_picks(
                space=space_of(bob), link_id=link.pk, reflection_ids=[reflection.pk]
            )
    assert not link.picks.exists()


def test_therapist_pdf_holds_the_same_content_as_the_page(anon_client, alice, written, agreed):
    alice_words, bob_words = written
    link, token = agreed
    flagged = Reflection.objects.get(author=alice, bring_to_therapy=True)
    therapy.set_therapist_picks(space=space_of(alice), link_id=link.pk, reflection_ids=[flagged.pk])
    page = visible_text(anon_client.get(view_url(token)).content.decode())
    text = pdf_text(anon_client.get(pdf_url(token)))
    for shared in (alice_words.topic, bob_words.topic, alice_words.meaning, alice_words.flagged):
        assert shared in page and shared in " ".join(text.split())
    assert bob_words.flagged not in text and alice_words.unflagged not in text
    html = anon_client.get(view_url(token)).content.decode()
    headings = re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", html)
    assert len(headings) >= 8
    flat = " ".join(text.split())
    missing = [
        h for h in headings if " ".join(h.split()).replace("’", "'") not in flat.replace("’", "'")
    ]
    assert not missing, missing


# --- the access log, seen by both ---------------------------------------------------------


def test_therapist_views_are_logged_to_the_minute_and_shown_to_both_partners(
    anon_client, alice_client, bob_client, agreed
):
    link, token = agreed
    anon_client.get(view_url(token))
    anon_client.get(pdf_url(token))
    views = list(TherapistLinkView.objects.filter(link=link))
    assert {v.kind for v in views} == {"page", "pdf"}
    assert all(v.viewed_at.second == 0 and v.viewed_at.microsecond == 0 for v in views)
    assert {f.name for f in TherapistLinkView._meta.fields} == {"id", "link", "viewed_at", "kind"}
    for client in (alice_client, bob_client):
        page = client.get(reverse("therapy_session", args=[link.session_id])).content.decode()
        assert ", the page" in page and ", the PDF" in page
        assert "Not opened yet." not in page


def test_therapist_view_is_pushed_to_both_partners(run, sent, alice, bob, agreed):
    link, _ = agreed
    sent.clear()
    run(therapy.record_therapist_view, link=link, kind="page")
    pushed = {group for group, event in sent if "therapy" in event.get("parts", ())}
    assert pushed == {f"user.{alice.pk}", f"user.{bob.pk}"}, sent


# --- the session page: made once, shown once -------------------------------------------------


def test_therapist_link_url_is_shown_once_to_its_maker(alice_client, bob_client, written, bob):
    session = written[0].session
    url = reverse("therapist_link_create", args=[session.pk])
    response = alice_client.post(url, {"therapist_name": "Dr. Reyes", "days": "7"})
    assert response.status_code == 200
    match = re.search(r"/t/([A-Za-z0-9_-]{43,})/", response.content.decode())
    assert match, "the new link is on the page"
    token = match.group(1)
    link = TherapistLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert set(TherapistLinkConsent.objects.values_list("person__email", flat=True)) == {
        "alice@example.com"
    }
    again = alice_client.get(reverse("therapy_session", args=[session.pk])).content.decode()
    assert token not in again
    bobs = bob_client.get(reverse("therapy_session", args=[session.pk])).content.decode()
    assert token not in bobs
    assert "Alice made this link. It works only if you agree too" in bobs
    response = bob_client.post(reverse("therapist_link_consent", args=[link.pk]))
    assert response.status_code == 302
    assert TherapistLinkConsent.objects.count() == 2


def test_therapist_link_controls_are_404_for_an_outsider(carol_client, carol, dave_linked, agreed):
    link, _ = agreed
    for name in ("therapist_link_consent", "therapist_link_revoke", "therapist_link_picks"):
        assert carol_client.post(reverse(name, args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.fixture
def dave_linked(carol):
    from tests.factories import UserFactory, link

    return link(carol, UserFactory(email="dave@example.com"))


# --- unlink and deletion end every link ----------------------------------------------------


def test_therapist_link_stops_working_when_the_couple_unlinks(anon_client, bob, agreed):
    link, token = agreed
    linking.unlink(user=bob)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert anon_client.get(view_url(token)).status_code == 404


def test_therapist_link_stops_working_when_a_partner_deletes_their_account(
    anon_client, bob, agreed
):
    link, token = agreed
    from couples.models import TherapistLinkPick

    bobs = Reflection.objects.get(author=bob, bring_to_therapy=True)
    therapy.set_therapist_picks(space=space_of(bob), link_id=link.pk, reflection_ids=[bobs.pk])
    bob_id = bob.pk
    ownership.delete_account(user=bob, password=PASSWORD)
    assert anon_client.get(view_url(token)).status_code == 404
    assert not TherapistLinkConsent.objects.filter(person_id=bob_id).exists()
    assert not TherapistLinkPick.objects.filter(owner_id=bob_id).exists()


def test_therapist_links_are_in_the_export_of_each_partner_who_agreed(alice, bob, agreed):
    import json
    from pathlib import Path

    import jsonschema

    from couples.export import build_export

    schema = json.loads(
        (Path(__file__).resolve().parents[1] / "docs/export-schema.json").read_text()
    )
    link, token = agreed
    therapy.record_therapist_view(link=link, kind="page")
    flagged = Reflection.objects.get(author=alice, bring_to_therapy=True)
    therapy.set_therapist_picks(space=space_of(alice), link_id=link.pk, reflection_ids=[flagged.pk])
    for person, made in ((alice, True), (bob, False)):
        document = json.loads(json.dumps(build_export(person)))
        jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).validate(document)
        rows = document["therapist_links"]
        assert len(rows[0]["opened_at"]) == 1
        assert len(rows[0]["my_reflections_added"]) == (1 if made else 0)
        assert [(r["therapist_name"], r["made_by_me"]) for r in rows] == [("Dr. Reyes", made)]
        assert token not in str(rows) and link.token_hash not in str(rows)


# --- the brief grows: rain checks, the agreed list's changes -----------------------------------


def test_therapist_brief_lists_what_joined_and_left_the_agreed_list_never_who(
    alice_client, bob_client, anon_client, alice, bob, written, agreed
):
    _, token = agreed
    hug = AlternativeActivity.objects.get(catalogue_key="cuddling")
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=hug.pk, answer="yes")
    massage = AlternativeActivity.objects.filter(couple__isnull=True).exclude(pk=hug.pk).first()
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=massage.pk, answer="yes")
    alternatives.withdraw_yes(space=space_of(bob), activity_id=massage.pk)
    for response in (
        alice_client.get(reverse("therapy_brief", args=[written[0].session.pk])),
        bob_client.get(reverse("therapy_brief", args=[written[0].session.pk])),
        anon_client.get(view_url(token)),
    ):
        html = response.content.decode()
        section = html.split('id="brief-agreed-changes"', 1)[1].split("</section>", 1)[0]
        added = section.split("We both said yes to", 1)[1].split("No longer on", 1)[0]
        withdrawn = section.split("No longer on our agreed list", 1)[1]
        assert hug.name in added and massage.name in added
        assert massage.name in withdrawn and hug.name not in withdrawn
        assert "Bob" not in section and "Alice" not in section


def test_therapist_brief_lists_open_rain_checks_with_whose_they_are(
    anon_client, alice, bob, written, agreed
):
    from couples.models import RainCheck

    _, token = agreed
    RainCheck.objects.create(couple=space_of(alice).couple, owner=bob, day=None)
    RainCheck.objects.create(
        couple=space_of(alice).couple, owner=alice, day=None, state=RainCheck.LET_GO
    )
    html = anon_client.get(view_url(token)).content.decode()
    section = html.split('id="brief-rain-checks"', 1)[1].split("</section>", 1)[0]
    assert "offered by Bob" in section
    assert "offered by Alice" not in section  # let go: not open


def test_therapist_brief_period_runs_from_the_previous_session(alice, written):
    session = written[0].session
    earlier = therapy.plan_session(
        space=space_of(alice), planned_for=session.planned_for - datetime.timedelta(days=14)
    )
    assert brief.session_period(session).start == earlier.planned_for
    assert brief.session_period(earlier).start == earlier.planned_for - datetime.timedelta(
        days=brief.FIRST_PERIOD_DAYS
    )


def test_therapist_link_state_shows_on_both_dashboards_and_is_pushed(
    run, sent, alice, bob, alice_client, bob_client, written
):
    session = written[0].session
    link, _ = run(make_link, person=alice, session=session)
    pushed = {group for group, event in sent if "therapy" in event.get("parts", ())}
    assert pushed == {f"user.{alice.pk}", f"user.{bob.pk}"}
    part = reverse("part", args=["therapy"])
    bobs = bob_client.get(part).content.decode()
    assert "Alice made a copy for Dr. Reyes; it works only if you agree too." in bobs
    alices = alice_client.get(part).content.decode()
    assert "A copy for Dr. Reyes: it works once Bob agrees too." in alices
    sent.clear()
    run(therapy.consent_to_therapist_link, space=space_of(bob), link_id=link.pk)
    assert {group for group, _ in sent} >= {f"user.{alice.pk}", f"user.{bob.pk}"}
    assert "A copy for Dr. Reyes: you both agreed." in alice_client.get(part).content.decode()
    run(therapy.revoke_therapist_link, space=space_of(alice), link_id=link.pk)
    assert "A copy for Dr. Reyes" not in bob_client.get(part).content.decode()


def test_therapist_token_never_reaches_a_log_line(anon_client, agreed, caplog):
    _, token = agreed
    with caplog.at_level("INFO"):
        anon_client.get(view_url(token))
        anon_client.get(pdf_url(token))
    assert "/t/[redacted]/" in caplog.text
    assert token not in caplog.text


def test_therapist_copy_renders_an_area_section_from_its_own_include(
    rf, anon_client, alice, agreed, settings, tmp_path
):
    """A check-in or homework section: one builder line, one include; shared, so it
    reaches the therapist's copy too (its include lives in the area's template)."""
    (tmp_path / "couples" / "therapy").mkdir(parents=True)
    (tmp_path / "couples" / "therapy" / "_brief_checkins.html").write_text(
        '<section class="brief-section" id="brief-checkins">{{ data.words }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    _, token = agreed

    def checkins_section(request, space, session):
        return brief.BriefSection("checkins", {"words": "Chk7-area-section-canary"})

    original = brief.SECTION_BUILDERS
    brief.SECTION_BUILDERS = (*original, checkins_section)
    try:
        html = anon_client.get(view_url(token)).content.decode()
    finally:
        brief.SECTION_BUILDERS = original
    assert "Chk7-area-section-canary" in html
    assert brief.BriefSection("homework").partial == "couples/therapy/_brief_homework.html"
    assert brief.BriefSection("agenda").partial == f"{brief.TEMPLATE}#brief-agenda"


def test_therapist_link_made_with_htmx_swaps_the_section_with_the_link_once(alice_client, written):
    session = written[0].session
    url = reverse("therapist_link_create", args=[session.pk])
    response = alice_client.post(
        url, {"therapist_name": "Dr. Reyes", "days": "3"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="therapist-links"')
    assert 'id="new-therapist-link-url"' in html and "/t/" in html
    assert "HX-Request" in response["Vary"]
    link = TherapistLink.objects.get()
    assert link.expires_at - link.created_at == datetime.timedelta(days=3)


def test_therapist_copy_drops_a_pick_once_its_owner_unflags_it(anon_client, alice, written, agreed):
    link, token = agreed
    flagged = Reflection.objects.get(author=alice, bring_to_therapy=True)
    therapy.set_therapist_picks(space=space_of(alice), link_id=link.pk, reflection_ids=[flagged.pk])
    assert written[0].flagged in anon_client.get(view_url(token)).content.decode()
    Reflection.objects.filter(pk=flagged.pk).update(bring_to_therapy=False)
    assert written[0].flagged not in anon_client.get(view_url(token)).content.decode()
