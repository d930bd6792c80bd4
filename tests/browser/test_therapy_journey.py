"""Issue 5 in real Chromium: a live shared agenda, each partner's own brief as a
PDF, export, deletion.

alice and bob are a linked couple (factories); each has one reflection flagged
"bring to therapy" and one not. Each sees the other's agenda topic appear on
their open dashboard without reload, and on the open session page (a topic,
a therapist link and its consent); the two PDFs must differ by exactly each
one's own flagged reflection; alice's export must validate against the schema;
when alice deletes her account, bob's open dashboard turns "not linked" without
reload.
"""

import io
import json
from pathlib import Path

import jsonschema
import pypdf
import pytest
from playwright.sync_api import expect

from couples.services import reflections, therapy
from realtime.writer import writer
from tests.factories import PASSWORD, space_of
from tests.ownership_helpers import DAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "export-schema.json").read_text()
)
# One word each, so the PDFs' word sets can be compared exactly.
FLAGGED = {"alice": "alice-brings-canary-41", "bob": "bob-brings-canary-52"}
UNFLAGGED = {"alice": "alice-keeps-canary-63", "bob": "bob-keeps-canary-74"}


def add_topic(page, session, text):
    form = page.locator(f"#add-topic-{session.pk}")
    form.locator("input[name=text]").fill(text)
    form.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator(f"#agenda-{session.pk}")).to_contain_text(text)


def download(page, link_selector):
    with page.expect_download() as info:
        page.locator(link_selector).click()
    return Path(info.value.path()).read_bytes(), info.value.suggested_filename


def pdf_words(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    return set("\n".join(p.extract_text() for p in reader.pages).split())


def test_agenda_briefs_export_and_deletion(page_for, log_in, alice, bob, couple, screenshot):
    session = therapy.plan_session(
        space=space_of(alice), planned_for=DAY, therapist_name="Dr. Reyes"
    )
    for person, name in ((alice, "alice"), (bob, "bob")):
        reflections.write_reflection(author=person, body=FLAGGED[name], bring_to_therapy=True)
        reflections.write_reflection(author=person, body=UNFLAGGED[name], bring_to_therapy=False)
    session_path = f"/therapy/{session.pk}/"
    writer.wait()  # the setup's own frames are sent before any page opens its socket
    alice_page = log_in(page_for("alice"), alice, path="/")
    bob_page = log_in(page_for("bob", viewport="phone"), bob, path="/")
    for page in (alice_page, bob_page):
        expect(page.locator("#live-seq")).to_have_attribute("data-kind", "hello")
        page.evaluate("window.__notReloaded = true")

    # Both add agenda topics on their dashboards; each appears live for the other.
    add_topic(alice_page, session, "How we say no kindly")
    expect(bob_page.locator("#therapy")).to_contain_text("How we say no kindly")
    add_topic(bob_page, session, "Mornings versus evenings")
    expect(alice_page.locator("#therapy")).to_contain_text("Mornings versus evenings")
    for page in (alice_page, bob_page):
        assert page.evaluate("window.__notReloaded") is True
        page.goto(session_path)
        agenda = page.locator(f"#agenda-{session.pk}")
        expect(agenda).to_contain_text("How we say no kindly")
        expect(agenda).to_contain_text("Mornings versus evenings")
        expect(page.locator("#live-seq")).to_have_attribute("data-kind", "hello")
        page.evaluate("window.__notReloaded = true")

    # On the session page too: alice's new topic and her link reach bob's open
    # page live (it fetches its own blocks again when the couple's therapy changes).
    add_topic(alice_page, session, "Sunday evenings")
    expect(bob_page.locator(f"#agenda-{session.pk}")).to_contain_text("Sunday evenings")
    alice_page.locator(".make-therapist-link summary").click()
    alice_page.locator("#therapist-link-therapist_name").fill("Dr. Reyes")
    alice_page.locator("#make-therapist-link").click()
    expect(alice_page.locator("#new-therapist-link-url")).to_be_visible()
    expect(bob_page.locator("#therapist-links")).to_contain_text("Alice made this link.")
    bob_page.locator("#therapist-links").get_by_role("button", name="I agree").click()
    expect(bob_page.locator("#therapist-links")).to_contain_text("you both agreed")
    # alice's one-time link stays on her page (a block showing it waits).
    expect(alice_page.locator("#new-therapist-link-url")).to_be_visible()
    for page in (alice_page, bob_page):
        assert page.evaluate("window.__notReloaded") is True

    # Each opens their own brief: their flagged reflection only.
    pdfs = {}
    for name, page in (("alice", alice_page), ("bob", bob_page)):
        other = "bob" if name == "alice" else "alice"
        page.locator("#brief-link").click()
        brief = page.locator("#brief")
        expect(brief).to_contain_text(FLAGGED[name])
        expect(brief).to_contain_text("Where our weeks meet")
        assert FLAGGED[other] not in page.content()
        assert UNFLAGGED[name] not in page.content()
        screenshot(page, f"brief-{name}")
        data, filename = download(page, "#brief-pdf-link")
        assert filename == f"session-brief-{DAY.isoformat()}.pdf"
        pdfs[name] = pdf_words(data)
    assert pdfs["alice"] - pdfs["bob"] == {FLAGGED["alice"]}
    assert pdfs["bob"] - pdfs["alice"] == {FLAGGED["bob"]}

    # alice exports her data; it validates and holds nothing of bob's.
    alice_page.goto("/accounts/export/")
    data, filename = download(alice_page, "#export-download")
    assert filename.startswith("my-data-") and filename.endswith(".json")
    # The page it ends on says so (issue 15: feedback after every action).
    expect(alice_page.locator("#messages")).to_contain_text("Your download is starting.")
    document = json.loads(data)
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)
    text = data.decode()
    assert FLAGGED["alice"] in text and UNFLAGGED["alice"] in text
    assert FLAGGED["bob"] not in text and "Mornings versus evenings" not in text

    # alice deletes her account; bob's open dashboard turns "not linked" live.
    bob_page.goto("/")
    expect(bob_page.locator("#live-seq")).to_have_attribute("data-kind", "hello")
    bob_page.evaluate("window.__notReloaded = true")
    alice_page.goto("/accounts/delete/")
    alice_page.locator("input[name=password]").fill(PASSWORD)
    alice_page.locator("input[name=confirm]").check()
    with alice_page.expect_navigation():
        alice_page.locator("#confirm-delete").click()
    expect(alice_page.locator("#messages")).to_contain_text("Your account and everything")
    expect(bob_page.locator("#linking")).to_be_visible()
    assert bob_page.evaluate("window.__notReloaded") is True
    assert "Alice" not in bob_page.locator("#main").inner_text()
