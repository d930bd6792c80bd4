"""The session brief: page and PDF, one copy per person, for the couple only."""

import io

import pypdf
import pytest
from django.urls import reverse

from couples.models import AgendaTopic, Reflection, TherapySession
from couples.services import linking
from tests.factories import space_of
from tests.ownership_helpers import populate
from tests.reflections_helpers import forget_reauth, lapse_reauth

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(alice, bob, couple):
    return populate(alice, bob)


def page_url(words):
    return reverse("therapy_brief", args=[words.session.pk])


def pdf_url(words):
    return reverse("therapy_brief_pdf", args=[words.session.pk])


def pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- what each copy holds -----------------------------------------------------------


def test_each_brief_page_holds_the_shared_parts_and_only_its_readers_flagged_reflections(
    alice_client, bob_client, written
):
    alice_words, bob_words = written
    alice_html = alice_client.get(page_url(alice_words)).content.decode()
    bob_html = bob_client.get(page_url(bob_words)).content.decode()
    for html in (alice_html, bob_html):
        for shared in (alice_words.topic, bob_words.topic, alice_words.meaning, bob_words.meaning):
            assert shared in html
        assert "Where our weeks meet" in html and '<svg class="heatmap"' in html
        assert "Ways to be close we both said yes to" in html
        assert alice_words.unflagged not in html and bob_words.unflagged not in html
    assert alice_words.flagged in alice_html and bob_words.flagged not in alice_html
    assert bob_words.flagged in bob_html and alice_words.flagged not in bob_html


def test_each_pdf_holds_only_its_readers_flagged_reflections(alice_client, bob_client, written):
    alice_words, bob_words = written
    alice_text = pdf_text(alice_client.get(pdf_url(alice_words)))
    bob_text = pdf_text(bob_client.get(pdf_url(bob_words)))
    for text in (alice_text, bob_text):
        for shared in (alice_words.topic, bob_words.topic, alice_words.meaning, bob_words.meaning):
            assert shared in text
        assert "Where our weeks meet" in text
        assert "Both usually open" in text  # the overlap table, in words
        assert alice_words.unflagged not in text and bob_words.unflagged not in text
    assert alice_words.flagged in alice_text and bob_words.flagged not in alice_text
    assert bob_words.flagged in bob_text and alice_words.flagged not in bob_text


def test_pdfs_differ_exactly_by_each_ones_flagged_reflections(alice_client, bob_client, written):
    alice_words, bob_words = written
    alice_text = pdf_text(alice_client.get(pdf_url(alice_words)))
    bob_text = pdf_text(bob_client.get(pdf_url(bob_words)))
    # Word sets: the statements come reader first and the copy line names the
    # reader, so order differs; the words differ only by each one's reflection.
    assert set(alice_text.split()) - set(bob_text.split()) == {alice_words.flagged}
    assert set(bob_text.split()) - set(alice_text.split()) == {bob_words.flagged}


def test_agenda_in_the_brief_says_who_added_each_topic(alice_client, written):
    alice_words, _bob_words = written
    html = alice_client.get(page_url(alice_words)).content.decode()
    assert "Added by Alice" in html and "Added by Bob" in html


def test_pdf_is_an_attachment_with_a_neutral_name_and_is_not_stored(alice_client, written):
    alice_words, _ = written
    response = alice_client.get(pdf_url(alice_words))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="session-brief-{alice_words.session.planned_for.isoformat()}.pdf"' in (
        disposition
    )
    assert "alice" not in disposition.lower() and "bob" not in disposition.lower()
    assert "no-store" in response["Cache-Control"]
    page = alice_client.get(page_url(alice_words))
    assert "no-store" in page["Cache-Control"]


def test_pdf_heatmap_is_coloured_and_fetches_nothing(alice_client, written, monkeypatch):
    from couples import pdf as pdf_module

    fetchers = []
    original = pdf_module.StaticOnlyFetcher.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        fetchers.append(self)

    monkeypatch.setattr(pdf_module.StaticOnlyFetcher, "__init__", spy)
    alice_words, _ = written
    response = alice_client.get(pdf_url(alice_words))
    assert response.status_code == 200
    (fetcher,) = fetchers
    assert fetcher.served == ["css/print.css"]
    assert fetcher.refused == []
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert b"0.709804 0.321569 0.231373 rg" in content  # #b5523b: "both usually open"


def test_fetcher_refuses_every_url_but_our_static_files():
    from couples.brief import read_static
    from couples.pdf import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher(read_static)
    for url in (
        "http://example.com/x.css",
        "https://example.com/static/css/print.css",
        "file:///etc/passwd",
        "https://brief.invalid/etc/passwd",
        "https://brief.invalid/static/../../config/settings.py",
        "https://brief.invalid/static/css/nope.css",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("https://brief.invalid/static/css/print.css").read().startswith(b"/*")


def test_brief_page_has_no_navigation_and_no_inline_style_or_script(alice_client, written):
    alice_words, _ = written
    html = alice_client.get(page_url(alice_words)).content.decode()
    assert "nav-journal" not in html and "Log out" not in html
    assert "<style" not in html and "<script" not in html and "style=" not in html
    assert 'href="/static/css/print.css"' in html


def test_session_page_links_to_the_brief_and_its_pdf(alice_client, written):
    alice_words, _ = written
    html = alice_client.get(reverse("therapy_session", args=[alice_words.session.pk])).content
    assert page_url(alice_words).encode() in html and pdf_url(alice_words).encode() in html


# --- re-auth --------------------------------------------------------------------------


@pytest.mark.parametrize("lapse", [lapse_reauth, forget_reauth])
def test_lapsed_confirmation_leaves_reflections_out_and_offers_the_confirm_page(
    alice_client, written, lapse
):
    alice_words, _ = written
    lapse(alice_client)
    response = alice_client.get(page_url(alice_words))
    html = response.content.decode()
    assert response.status_code == 200
    assert alice_words.flagged not in html
    assert alice_words.topic in html  # the shared parts are still there
    assert reverse("reauth_confirm") in html and "brief-confirm-link" in html
    text = pdf_text(alice_client.get(pdf_url(alice_words)))
    assert alice_words.flagged not in text
    assert "left out" in text


def test_confirming_the_password_brings_the_reflections_back(alice_client, written):
    alice_words, _ = written
    lapse_reauth(alice_client)
    confirm = alice_client.post(
        reverse("reauth_confirm"),
        {"reauth_password": "correct horse battery staple", "next": page_url(alice_words)},
    )
    assert confirm.status_code == 302 and confirm["Location"] == page_url(alice_words)
    assert alice_words.flagged in alice_client.get(page_url(alice_words)).content.decode()


def test_reading_the_brief_does_not_extend_the_confirmation(alice_client, written):
    from accounts.reauth import SESSION_KEY

    alice_words, _ = written
    lapse_reauth(alice_client, minutes=10)
    before = alice_client.session[SESSION_KEY]
    alice_client.get(page_url(alice_words))
    assert alice_client.session[SESSION_KEY] == before


# --- access ---------------------------------------------------------------------------


def _snapshot():
    return (
        list(TherapySession.objects.order_by("pk").values()),
        list(AgendaTopic.objects.order_by("pk").values()),
        list(Reflection.objects.order_by("pk").values_list("pk", "version", "bring_to_therapy")),
    )


def test_anonymous_is_sent_to_login_for_page_and_pdf(anon_client, written):
    alice_words, _ = written
    for url in (page_url(alice_words), pdf_url(alice_words)):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        htmx = anon_client.get(url, htmx=True)
        assert htmx.status_code == 401 and htmx["HX-Redirect"].startswith(reverse("account_login"))


def test_outsider_gets_404_for_page_and_pdf_and_sees_nothing(carol_client, written):
    alice_words, bob_words = written
    for url in (page_url(alice_words), pdf_url(alice_words)):
        response = carol_client.get(url)
        assert response.status_code == 404
        for canary in alice_words.all_canaries() + bob_words.all_canaries():
            assert canary.encode() not in response.content


def test_unknown_session_is_404(alice_client, written):
    assert alice_client.get(reverse("therapy_brief", args=[999999])).status_code == 404
    assert alice_client.get(reverse("therapy_brief_pdf", args=[999999])).status_code == 404


def test_brief_refuses_post_and_changes_nothing(alice_client, written):
    alice_words, _ = written
    before = _snapshot()
    for url in (page_url(alice_words), pdf_url(alice_words)):
        assert alice_client.post(url, {}).status_code == 405
        assert alice_client.post(url, {}, csrf=False).status_code in (403, 405)
    assert _snapshot() == before


def test_after_unlink_neither_former_partner_can_open_the_brief(
    alice, alice_client, bob_client, written
):
    alice_words, _ = written
    linking.unlink(user=alice)
    for client in (alice_client, bob_client):
        for url in (page_url(alice_words), pdf_url(alice_words)):
            assert client.get(url).status_code == 404


def test_dashboard_links_the_upcoming_sessions_brief_for_both(alice_client, bob_client, written):
    alice_words, _ = written
    for client in (alice_client, bob_client):
        assert page_url(alice_words).encode() in client.get("/").content


def test_rendering_the_brief_and_its_pdf_logs_no_private_word(alice_client, written, caplog):
    import logging

    alice_words, _ = written
    with caplog.at_level(logging.DEBUG):
        alice_client.get(page_url(alice_words))
        alice_client.get(pdf_url(alice_words))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert alice_words.flagged not in logged
    assert alice_words.meaning not in logged


def test_the_brief_lists_only_mutual_yeses_and_the_same_for_both(
    alice, bob, alice_client, bob_client, written
):
    from couples.models import AlternativeActivity
    from couples.services import alternatives

    mutual, alice_only, bob_maybe = AlternativeActivity.objects.filter(couple__isnull=True)[:3]
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=mutual.pk, answer="yes")
    alternatives.answer_activity(space=space_of(alice), activity_id=alice_only.pk, answer="yes")
    alternatives.answer_activity(space=space_of(bob), activity_id=alice_only.pk, answer="no")
    alternatives.answer_activity(space=space_of(bob), activity_id=bob_maybe.pk, answer="maybe")
    alice_words, bob_words = written
    for client, words in ((alice_client, alice_words), (bob_client, bob_words)):
        html = client.get(page_url(words)).content.decode()
        section = html.split('id="brief-alternatives"')[1].split("</section>")[0]
        assert mutual.name in section
        assert alice_only.name not in section and bob_maybe.name not in section
        text = pdf_text(client.get(pdf_url(words)))
        assert mutual.name in text


def test_pdfs_are_limited_to_a_few_a_minute_per_person(
    alice_client, bob_client, written, monkeypatch
):
    """A PDF costs about a second of CPU; the seventh in a minute is refused
    politely (the printable page stays available), and only for that person."""
    from couples.views import brief as views

    rendered = []
    monkeypatch.setattr(views, "html_to_pdf", lambda html, **kw: rendered.append(1) or b"%PDF-")
    now = [1_800_000_000.0]
    from couples import http as limits  # where the per-minute count lives

    monkeypatch.setattr(limits.time, "time", lambda: now[0])
    alice_words, bob_words = written
    for _ in range(views.PDFS_PER_MINUTE):
        assert alice_client.get(pdf_url(alice_words)).status_code == 200
    refused = alice_client.get(pdf_url(alice_words))
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "wait a minute" in refused.content.decode()
    assert len(rendered) == views.PDFS_PER_MINUTE  # the refused one rendered nothing
    assert alice_client.get(page_url(alice_words)).status_code == 200
    assert bob_client.get(pdf_url(bob_words)).status_code == 200
    now[0] += 60
    assert alice_client.get(pdf_url(alice_words)).status_code == 200
