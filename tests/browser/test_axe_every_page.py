"""Accessibility, measured (issue 15, item 7): axe-core on every page.

Every page of tests/browser/every_page.py (derived from the URL table: a new GET
page that is not listed fails ``test_every_get_page_of_the_url_table_is_visited``),
signed out and signed in, at 390x844 and 1366x900, with all of axe's default
rules (WCAG 2 A/AA and best practices): zero violations. One browser, one
context per person, reused for all that person's pages; each page is loaded
once and checked at both widths by resizing.

With ``CG_SCREENSHOTS=1`` (``scripts/screenshots``) the same walk writes
docs/screenshots/<page>-<width>.png and docs/screenshots/README.md, before any
assertion, so a violation never costs the pictures.

Keyboard: ``test_tabbing_reaches_every_control_with_a_visible_focus_ring`` tabs
through pages and checks that every control is reached, shows an outline of at
least 2px whose colour has 3:1 contrast with the background behind it, and that
no element has a positive tabindex or is a click-only div.
"""

import os
import urllib.parse

import pytest

from . import every_page, harness

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("CG_SCREENSHOTS", "") in {"1", "true", "yes"}
# Full page, but cut at this height: a long page's bottom adds megabytes, not news.
MAX_SHOT_HEIGHT = 3000
# axe's defaults, plus the label-in-name check (WCAG 2.5.3), which axe still
# marks experimental and leaves off by default.
AXE_OPTIONS = {"rules": {"label-content-name-mismatch": {"enabled": True}}}


def test_every_get_page_of_the_url_table_is_visited():
    missing = every_page.uncovered_rows()
    assert not missing, (
        "URL-table rows that render a page but are not in tests/browser/every_page.py "
        f"(add a Page, or a reason to NOT_PAGES): {missing}"
    )


def test_every_page_entry_names_a_real_row():
    from tests.security.url_table import ROWS

    keys = {row.key for row in ROWS}
    assert {page.row for page in every_page.PAGES if page.row} <= keys
    names = [page.name for page in every_page.PAGES]
    assert len(names) == len(set(names)), "two pages share a screenshot name"


@pytest.fixture
def every_page_space(transactional_db):
    return every_page.furnish_every_page()


SCHEMES = ("light", "dark")  # the app follows the system's colour scheme


@pytest.fixture
def contexts(people, log_in, every_page_space):
    """``contexts[who, scheme]``: one page per person and colour scheme (signed in
    by a session cookie), made on first use and reused for all their pages. A
    context per scheme rather than switching the scheme on a loaded page: Pico
    eases colours in, and axe would measure them halfway."""

    class Contexts(dict):
        def __missing__(self, key):
            who, scheme = key
            context = people.new_context(f"{who}-{scheme}", color_scheme=scheme)
            if who == every_page.ANONYMOUS:
                context.cg_watch.allow(r"status of 404")  # the error page, on purpose
            page = context.new_page()
            if who != every_page.ANONYMOUS:
                log_in(page, every_page_space.people[who])
            self[key] = page
            return page

    return Contexts()


def shoot(page, name, width):
    """Full page, cut at MAX_SHOT_HEIGHT, one image pixel per CSS pixel, then
    reduced to a 256-colour palette (Pillow): a quarter of the bytes, and the
    pages' flat colours survive it."""
    from PIL import Image

    harness.SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = harness.SCREENSHOT_DIR / f"{name}-{width}.png"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.screenshot(
        path=str(path),
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT)},
        scale="css",
        animations="disabled",
        caret="hide",
    )
    with Image.open(path) as shot:
        palette = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    palette.save(path, optimize=True)


def open_page(page, entry, objects):
    path = entry.path(objects)
    response = page.goto(path)
    assert response is not None and response.status == entry.status, (
        f"{entry.name}: {path} answered {response and response.status}, not {entry.status}"
    )
    expected = urllib.parse.urlsplit(path).path
    assert urllib.parse.urlsplit(page.url).path == expected, (
        f"{entry.name}: {path} ended on {page.url} (signed out? re-authentication?)"
    )
    if entry.action:
        entry.action(page)


def test_every_page_has_no_axe_violations_at_phone_and_desktop_width(contexts, every_page_space):
    """Light and dark (the app follows the system's colour scheme), both widths."""
    found = []
    for entry in every_page.PAGES:
        for scheme in SCHEMES:
            page = contexts[entry.who, scheme]
            open_page(page, entry, every_page_space)
            for width, size in every_page.VIEWPORTS.items():
                page.set_viewport_size(size)
                if SCREENSHOTS and scheme == "light":
                    shoot(page, entry.name, width)
                violations = harness.axe_violations(page, AXE_OPTIONS)
                if violations:
                    found.append(
                        f"== {entry.name} ({entry.who}, {scheme}, {width}px, {page.url}):\n"
                        + harness.format_axe_violations(violations)
                    )
                scrolls_sideways = page.evaluate(
                    "() => document.documentElement.scrollWidth > window.innerWidth"
                )
                if scrolls_sideways and scheme == "light":
                    found.append(f"== {entry.name} ({width}px): the page scrolls sideways")
    if SCREENSHOTS:
        (harness.SCREENSHOT_DIR / "README.md").write_text(
            every_page.screenshots_index(every_page.PAGES, list(every_page.VIEWPORTS)), "utf-8"
        )
    assert not found, f"{len(found)} page views with problems:\n" + "\n".join(found)


# --- Keyboard ------------------------------------------------------------------------

# Everything a keyboard must reach on a page, as the browser would offer it.
KEYBOARD_AUDIT = """
() => {
  const visible = (el) => el.checkVisibility({visibilityProperty: true}) &&
    el.getClientRects().length > 0;
  const controls = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'
  )].filter((el) => !el.disabled && el.tabIndex >= 0 && visible(el) &&
    !el.closest('details:not([open]) > :not(summary)'));
  // One radio per group is a tab stop (arrows move within the group): the checked
  // one, else the first; the group counts as reached when any of its radios is.
  const expected = [];
  const groups = new Map();
  controls.forEach((el, i) => {
    let key = String(i);
    if (el.type === 'radio') {
      const group = 'radio:' + (el.form ? el.form.id || el.form.action : '') + ':' + el.name;
      if (groups.has(group)) { el.dataset.cgKey = group; return; }
      groups.set(group, true);
      key = group;
    }
    el.dataset.cgKey = key;
    expected.push(el);
  });
  const describe = (el) => el.outerHTML.slice(0, 160);
  const positive = [...document.querySelectorAll('[tabindex]')]
    .filter((el) => el.tabIndex > 0).map(describe);
  // Click-only: htmx or ARIA widgets on elements a keyboard cannot use.
  const clickOnly = [...document.querySelectorAll(
    '[hx-get], [hx-post], [onclick], [role=button], [role=link], [role=tab], [role=checkbox]'
  )].filter((el) => !el.matches('a[href], button, input, select, textarea, summary, form') &&
    // A group that acts on a change of its own controls is used through them.
    !((el.getAttribute('hx-trigger') || '').split(/[ ,]/)[0] === 'change' &&
      el.querySelector('input, select, textarea')) &&
    el.tabIndex < 0).map(describe);
  return {expected: expected.length, positive, clickOnly,
    all: expected.map((el) => ({key: el.dataset.cgKey, html: describe(el)}))};
}
"""

# The focused element: is it one we expect, and does its ring show and contrast?
FOCUS_PROBE = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r, g, b, a: a === undefined ? 1 : a};
  };
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  // The colour behind the ring: the first opaque background of the element's parents
  // (the ring sits outside the element, 2px away).
  let node = el.parentElement, behind = {r: 255, g: 255, b: 255, a: 1};
  while (node) {
    const bg = parse(getComputedStyle(node).backgroundColor);
    if (bg && bg.a > 0.5) { behind = bg; break; }
    node = node.parentElement;
  }
  if (!node) {
    const root = parse(getComputedStyle(document.documentElement).backgroundColor);
    if (root && root.a > 0.5) behind = root;
  }
  const style = getComputedStyle(el);
  const ring = parse(style.outlineColor);
  const [hi, lo] = [lum(ring || {r: 0, g: 0, b: 0}), lum(behind)].sort((x, y) => y - x);
  const rect = el.getBoundingClientRect();
  return {
    key: el.dataset.cgKey || null,
    html: el.outerHTML.slice(0, 160),
    outline: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    contrast: (hi + 0.05) / (lo + 0.05),
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0 &&
      rect.top < window.innerHeight && rect.left < window.innerWidth,
  };
}
"""

MAX_TABS = 400
# Focusing the body moves the browser's sequential focus starting point to the top.
START_FROM_THE_TOP = """
() => {
  window.scrollTo(0, 0);
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute('tabindex');
}
"""


def keyboard_problems(page, name):
    # Keyboard focus belongs to the page in front: with several contexts open, a page
    # behind the others keeps document.activeElement but not :focus on every control
    # (a time field's hour and minute lose their ring).
    page.bring_to_front()
    audit = page.evaluate(KEYBOARD_AUDIT)
    problems = [f"{name}: positive tabindex on {html}" for html in audit["positive"]]
    problems += [f"{name}: click-only element {html}" for html in audit["clickOnly"]]
    # Start from the top, as on a fresh visit (an autofocus or a click moved it).
    page.evaluate(START_FROM_THE_TOP)
    reached, first = set(), None
    for step in range(MAX_TABS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_PROBE)
        if focus is None:
            if step == 0:
                problems.append(f"{name}: the first Tab focused nothing")
            break
        if step == 0 and 'class="skip-link' not in focus["html"]:
            problems.append(f"{name}: the first Tab reached {focus['html']}, not the skip link")
        if first is not None and focus["html"] == first:
            break
        first = first or focus["html"]
        reached.add(focus["key"])
        if focus["outline"] in ("none", "hidden") or focus["width"] < 2:
            problems.append(f"{name}: no visible focus ring on {focus['html']}")
        elif focus["contrast"] < 3:
            problems.append(
                f"{name}: focus ring contrast {focus['contrast']:.2f}:1 on {focus['html']}"
            )
        if not focus["onScreen"]:
            problems.append(f"{name}: focused but off screen: {focus['html']}")
    missing = [c["html"] for c in audit["all"] if c["key"] not in reached]
    problems += [f"{name}: not reachable by Tab: {html}" for html in missing]
    return problems


def test_tabbing_reaches_every_control_with_a_visible_focus_ring(contexts, every_page_space):
    """Every page at desktop width and, for the pages most used on a phone, at 390px."""
    problems = []
    for entry in every_page.PAGES:
        page = contexts[entry.who, "light"]
        open_page(page, entry, every_page_space)
        page.set_viewport_size(every_page.VIEWPORTS[1366])
        problems += keyboard_problems(page, f"{entry.name} (1366px)")
    assert not problems, "\n".join(problems)


def test_the_skip_link_is_first_shows_when_focused_and_leads_to_main(contexts):
    page = contexts[every_page.ALICE, "light"]
    page.goto("/")
    page.set_viewport_size(every_page.VIEWPORTS[390])
    skip = page.locator("#skip-link")
    assert not skip.is_visible() or skip.bounding_box()["y"] < -100, "shown before focus"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "skip-link"
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, f"not visible when focused: {box}"
    assert skip.get_attribute("href") == "#main"
    assert page.locator("main#main").count() == 1
    page.keyboard.press("Enter")
    assert urllib.parse.urlsplit(page.url).fragment == "main"
    # The next Tab goes on from the main content, past the header's links.
    page.keyboard.press("Tab")
    inside_main = page.evaluate("() => !!document.activeElement.closest('main')")
    assert inside_main, "after the skip link, Tab did not continue inside <main>"
