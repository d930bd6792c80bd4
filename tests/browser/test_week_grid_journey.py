"""My week, edited in place, in real Chromium.

- alice taps and arrow-keys through the grid on her dashboard: every change is
  one small POST (counted), shows at once, is confirmed in the grid's own
  polite status, persists after a reload, and focus stays on the cell she is
  on after her save and after her own live frame replaced the part.
- bob's open dashboard shows the new overlap ("waiting for both marks") live,
  and nothing of alice's week itself.
- Without JavaScript each cell is a submit button (post, redirect, the new
  value), and "Edit as a form" still leads to the dropdown form.
- On a phone the 7 x 5 grid fits without sideways scrolling; axe-core finds
  nothing on the dashboard with the grid.
"""

import re

import pytest
from playwright.sync_api import expect

from couples.domain.overlap import CELL_INDEX
from couples.models import TimingGrid
from couples.services.timing import save_timing
from tests.factories import space_of

from . import harness

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_MS = 5_000
HEATMAP = "#timing-overlap svg.heatmap"


def wait_until_live(page):
    expect(page.locator("#live-seq")).to_have_attribute(
        "data-kind", re.compile(r"^(hello|change)$"), timeout=LIVE_MS
    )


def seq(page):
    return int(page.locator("#live-seq").get_attribute("data-seq") or 0)


def wait_for_seq(page, at_least):
    page.wait_for_function(
        "(n) => { const m = document.getElementById('live-seq');"
        " return m && parseInt(m.dataset.seq || '0', 10) >= n; }",
        arg=at_least,
        timeout=LIVE_MS,
    )


def cell(page, name):
    return page.locator(f"#wk-{name}")


def level_of(user, name):
    grid = TimingGrid.objects.filter(author=user).first()
    return grid.cells[CELL_INDEX[name]] if grid else None


def test_week_grid_taps_and_arrow_keys_save_each_cell_keep_focus_and_reach_the_partner(
    page_for, log_in, couple, alice, bob, people
):
    alice_page = log_in(page_for("alice"), alice)
    bob_page = log_in(page_for("bob"), bob)
    wait_until_live(alice_page)
    wait_until_live(bob_page)
    start = seq(alice_page)

    posts, answers = [], []
    alice_page.on(
        "request",
        lambda r: posts.append(r.post_data) if r.url.endswith("/timing/cell/") else None,
    )
    alice_page.on(
        "response", lambda r: answers.append(r.status) if r.url.endswith("/timing/cell/") else None
    )

    # The grid has one tab stop and is announced as a grid of named cells.
    grid = alice_page.get_by_role("grid", name="My week")
    expect(grid).to_be_visible()
    expect(alice_page.locator("#my-week-form button[tabindex='0']")).to_have_count(1)
    first = alice_page.get_by_role("button", name="Monday, early morning: not said")
    expect(first).to_have_attribute("tabindex", "0")

    # A tap: usually, at once, then saved.
    first.click()
    expect(cell(alice_page, "mon_early")).to_have_attribute("data-level", "u")
    expect(
        alice_page.get_by_role("button", name="Monday, early morning: usually open")
    ).to_be_focused()
    status = alice_page.locator("#my-week-status")
    expect(status).to_have_text("Saved: Monday, early morning, usually open.")
    wait_for_seq(alice_page, start + 1)  # her own frame has replaced the part
    expect(cell(alice_page, "mon_early")).to_be_focused()

    # The keyboard: arrows move (one tab stop follows), Space/Enter change.
    alice_page.keyboard.press("ArrowRight")
    expect(cell(alice_page, "mon_morning")).to_be_focused()
    expect(cell(alice_page, "mon_morning")).to_have_attribute("tabindex", "0")
    expect(cell(alice_page, "mon_early")).to_have_attribute("tabindex", "-1")
    alice_page.keyboard.press("Space")  # usually
    alice_page.keyboard.press("Space")  # sometimes (a quick second tap)
    expect(cell(alice_page, "mon_morning")).to_have_attribute("data-level", "s")
    alice_page.keyboard.press("ArrowDown")
    expect(cell(alice_page, "tue_morning")).to_be_focused()
    alice_page.keyboard.press("Enter")  # usually
    alice_page.keyboard.press("Enter")  # sometimes
    alice_page.keyboard.press("Enter")  # rarely
    expect(status).to_have_text("Saved: Tuesday, morning, rarely.")
    wait_for_seq(alice_page, start + 6)  # every frame of hers has arrived
    expect(cell(alice_page, "tue_morning")).to_be_focused()
    expect(status).to_have_text("Saved: Tuesday, morning, rarely.")  # kept across the frames
    expect(cell(alice_page, "tue_morning")).to_have_accessible_name("Tuesday, morning: rarely")
    alice_page.keyboard.press("End")
    expect(cell(alice_page, "tue_late")).to_be_focused()
    alice_page.keyboard.press("Control+Home")
    expect(cell(alice_page, "mon_early")).to_be_focused()

    # One small POST per change, in order, each answered 204; nothing lost.
    assert len(posts) == 6 and answers == [204] * 6
    sent = [
        next(m for m in re.findall(r'name="(\w+)"\r\n\r\n([^\r]*)', p) if m[0] in CELL_INDEX)
        for p in posts
    ]
    assert sent == [
        ("mon_early", "u"),
        ("mon_morning", "u"),
        ("mon_morning", "s"),
        ("tue_morning", "u"),
        ("tue_morning", "s"),
        ("tue_morning", "r"),
    ]
    assert [level_of(alice, n) for n in ("mon_early", "mon_morning", "tue_morning")] == [
        "u",
        "s",
        "r",
    ]

    # bob's dashboard, live: three times wait for both marks; nothing of her week.
    wait_for_seq(bob_page, start + 6)
    expect(bob_page.locator(f"{HEATMAP} g.hm-waiting")).to_have_count(3)
    expect(bob_page.locator(f"{HEATMAP} g.hm-waiting title").first).to_have_text(
        "Monday, early morning: Waiting for both marks"
    )
    expect(bob_page.locator("#my-week-form button[data-level='-']")).to_have_count(35)
    bob_part = bob_page.locator("#timing").inner_text()
    assert "Alice’s week" not in bob_part and "rarely" not in bob_part.lower().replace(
        "usually → sometimes → rarely → not said", ""
    )

    # After a reload the values are still there (the server has them).
    alice_page.goto("/")
    expect(cell(alice_page, "mon_morning")).to_have_attribute("data-level", "s")
    expect(cell(alice_page, "tue_morning")).to_have_attribute("data-level", "r")
    expect(cell(alice_page, "tue_morning").locator(".wk-word")).to_have_text("Rarely")

    harness.assert_no_axe_violations(
        alice_page, "the dashboard with the week grid", context="#timing"
    )
    harness.assert_no_axe_violations(alice_page, "the dashboard with the week grid")
    people.assert_clean()


def test_week_grid_without_javascript_posts_each_cell_and_keeps_the_form(
    page_for, log_in, couple, alice, bob
):
    page = log_in(page_for("bob", javascript=False), bob)
    expect(page.locator("#my-week-form table")).not_to_have_attribute("role", "grid")
    with page.expect_navigation():
        cell(page, "wed_late").click()
    assert page.url.endswith("/#my-week")
    expect(cell(page, "wed_late")).to_have_attribute("data-level", "u")
    expect(cell(page, "wed_late")).to_have_accessible_name("Wednesday, late night: usually open")
    assert level_of(bob, "wed_late") == "u"
    # The dropdown form is still the way to edit many at once (and the notes).
    with page.expect_navigation():
        page.get_by_role("link", name="Edit as a form").click()
    assert page.url.endswith("/timing/")
    expect(page.locator("#id_wed_late")).to_have_value("u")
    page.select_option("#id_thu_late", "s")
    with page.expect_navigation():
        page.get_by_role("button", name="Save my week").click()
    assert page.url.endswith("/#timing")
    expect(cell(page, "thu_late")).to_have_attribute("data-level", "s")
    expect(cell(page, "wed_late")).to_have_attribute("data-level", "u")


def test_week_grid_fits_a_phone_without_sideways_scrolling_and_passes_axe(
    page_for, log_in, couple, alice, bob
):
    # Every level on screen, the longest word ("Sometimes") in every column.
    save_timing(space=space_of(alice), cells="usrs-" * 6 + "sssss", notes="", expected_version=0)
    page = log_in(page_for("alice", viewport="phone"), alice)
    wait_until_live(page)
    table = page.locator("#my-week-form table")
    expect(table).to_be_visible()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # Every cell is a finger-sized target (WCAG 2.5.8: at least 24 x 24).
    sizes = page.eval_on_selector_all(
        "#my-week-form button",
        "(bs) => bs.map((b) => b.getBoundingClientRect()).map((r) => [r.width, r.height])",
    )
    assert len(sizes) == 35 and min(w for w, _h in sizes) >= 44 and min(h for _w, h in sizes) >= 44
    # The words fit inside their cell (nothing cut off or spilling over).
    spill = page.eval_on_selector_all(
        "#my-week-form button",
        """(bs) => bs.filter((b) => {
            const cell = b.getBoundingClientRect();
            const word = b.querySelector(".wk-word").getBoundingClientRect();
            return b.scrollWidth > b.clientWidth
                || word.left < cell.left || word.right > cell.right;
        }).map((b) => b.id)""",
    )
    assert spill == []
    cell(page, "sat_late").tap()
    expect(page.locator("#my-week-status")).to_have_text(
        "Saved: Saturday, late night, usually open."
    )
    harness.assert_no_axe_violations(page, "the dashboard on a phone", context="#timing")
