"""My week, edited in place: one cell per tap (set_timing_cell, POST /timing/cell/),
the grid on the dashboard, and what the partner receives of it (only the overlap).
"""

import re
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from couples.domain import overlap
from couples.domain.overlap import CELLS, EMPTY_GRID, WAITING
from couples.models import TimingGrid
from couples.services import Conflict, NotFound, linking
from couples.services.timing import InvalidTiming, NotLinked, save_timing, set_timing_cell
from realtime import rendering
from tests.factories import link, space_of
from tests.realtime_support import apply_frames, normalized

pytestmark = pytest.mark.django_db

CELL = reverse("timing_cell")
DASHBOARD = reverse("dashboard")
WEEK_JS = Path(__file__).resolve().parents[1] / "static" / "js" / "week.js"


def cells_of(user):
    grid = TimingGrid.objects.filter(author=user).first()
    return grid.cells if grid else None


def section(html, element_id="timing"):
    start = html.index(f'<section id="{element_id}"')
    return html[start : html.index("</section>", start)]


def overlap_figure(html):
    start = html.index('<figure class="timing-overlap"')
    return html[start : html.index("</figure>", start) + len("</figure>")]


def frames_for(sent, user):
    return [
        event["html"].replace(event["csrf"], rendering.csrf_token(None))
        for group, event in sent
        if group == f"user.{user.pk}" and event["type"] == "frame"
    ]


# --- the service ---------------------------------------------------------------


def test_week_cell_first_tap_creates_the_grid_with_only_that_cell(alice, bob, couple):
    grid = set_timing_cell(space=space_of(alice), cell="tue_evening", level="u")
    expected = overlap.with_cell(EMPTY_GRID, overlap.index(1, 3), "u")
    assert (grid.author, grid.couple, grid.cells, grid.version) == (alice, couple, expected, 1)
    assert cells_of(bob) is None


def test_week_cell_changes_one_cell_and_keeps_the_rest_and_the_notes(alice, couple):
    save_timing(
        space=space_of(alice), cells="s" * CELLS, notes="a morning person", expected_version=0
    )
    grid = set_timing_cell(space=space_of(alice), cell="sun_late", level="r")
    assert grid.cells == "s" * (CELLS - 1) + "r" and grid.notes == "a morning person"
    assert grid.version == 2


def test_week_cell_set_to_what_it_is_writes_and_pushes_nothing(alice, couple, sent, run):
    run(set_timing_cell, space=space_of(alice), cell="mon_early", level="u")
    sent.clear()
    grid = run(set_timing_cell, space=space_of(alice), cell="mon_early", level="u")
    assert grid.version == 1 and sent == []


def test_week_cell_tap_pushes_timing_to_both_partners(alice, bob, couple, sent, run):
    run(set_timing_cell, space=space_of(alice), cell="mon_early", level="s")
    groups = sorted({group for group, event in sent if event["type"] == "frame"})
    assert groups == sorted([f"user.{alice.pk}", f"user.{bob.pk}"])


def test_week_cell_tap_makes_an_open_form_stale_so_nothing_is_lost(alice, couple):
    # The form page (all 35 cells) rendered at version 1; a tap on the dashboard
    # since then: saving the form now is a conflict, not a silent overwrite.
    save_timing(space=space_of(alice), cells=EMPTY_GRID, notes="", expected_version=0)
    set_timing_cell(space=space_of(alice), cell="wed_morning", level="u")
    with pytest.raises(Conflict):
        save_timing(space=space_of(alice), cells="r" * CELLS, notes="", expected_version=1)
    assert cells_of(alice)[overlap.index(2, 1)] == "u"


@pytest.mark.parametrize(
    "cell, level, message",
    [
        ("mon_early", "x", "usually open, sometimes, rarely or not said"),
        ("mon_early", "", "usually open, sometimes, rarely or not said"),
        ("mon_early", "us", "usually open, sometimes, rarely or not said"),
        ("mon_early", None, "usually open, sometimes, rarely or not said"),
        ("mon_noon", "u", "not a part of the week"),
        ("", "u", "not a part of the week"),
        (None, "u", "not a part of the week"),
        (3, "u", "not a part of the week"),
    ],
)
def test_week_cell_bad_values_are_refused_with_a_clear_message(alice, couple, cell, level, message):
    with pytest.raises(InvalidTiming, match=message) as raised:
        set_timing_cell(space=space_of(alice), cell=cell, level=level)
    assert raised.value.status == 422
    assert not TimingGrid.objects.exists()


def test_week_cell_needs_a_current_couple(alice, bob, carol, couple):
    with pytest.raises(NotFound):
        set_timing_cell(space=space_of(carol), cell="mon_early", level="u")
    space = space_of(alice)
    linking.unlink(user=bob)
    with pytest.raises(NotLinked):
        set_timing_cell(space=space, cell="mon_early", level="u")
    assert not TimingGrid.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_week_cell_taps_at_once_from_two_devices_all_land(alice, bob):
    # Ten taps at the same moment (two devices, quick fingers), each on its own
    # cell, the first of them creating the grid: every one of them is kept.
    link(alice, bob)
    names = list(overlap.CELL_INDEX)[:10]
    barrier = threading.Barrier(len(names))
    errors = []

    def tap(name):
        try:
            barrier.wait(timeout=10)
            set_timing_cell(space=space_of(alice), cell=name, level="u")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    grid = TimingGrid.objects.get(author=alice)
    assert {name for name, i in overlap.CELL_INDEX.items() if grid.cells[i] == "u"} == set(names)
    assert grid.version == len(names)
    assert TimingGrid.objects.filter(author=alice).count() == 1


@pytest.mark.django_db(transaction=True)
def test_week_cell_quick_taps_on_one_cell_end_on_the_last_one_each_saved(alice, bob):
    link(alice, bob)
    for level in "usr-u":
        set_timing_cell(space=space_of(alice), cell="fri_late", level=level)
    grid = TimingGrid.objects.get(author=alice)
    assert grid.cells[overlap.CELL_INDEX["fri_late"]] == "u" and grid.version == 5


# --- the endpoint -------------------------------------------------------------


def test_week_cell_anonymous_is_sent_to_login_and_saves_nothing(anon_client, couple):
    response = anon_client.post(CELL, {"mon_early": "u"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = anon_client.post(CELL, {"mon_early": "u"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 401 and "/accounts/login/" in response["HX-Redirect"]
    assert not TimingGrid.objects.exists()


def test_week_cell_outsider_gets_404_and_changes_no_week(carol_client, alice, couple):
    set_timing_cell(space=space_of(alice), cell="mon_early", level="u")
    for htmx in (False, True):
        response = carol_client.post(CELL, {"mon_early": "r"}, htmx=htmx)
        assert response.status_code == 404
    assert cells_of(alice)[0] == "u" and TimingGrid.objects.count() == 1


def test_week_cell_partner_only_ever_changes_their_own_week(bob_client, alice, bob, couple):
    set_timing_cell(space=space_of(alice), cell="mon_early", level="u")
    # Whatever bob names (alice's id, her grid, her couple), only bob's week changes.
    response = bob_client.post(
        CELL,
        {"mon_early": "r", "author": alice.pk, "user": alice.pk, "grid": 1, "couple": 1},
        htmx=True,
    )
    assert response.status_code == 204
    assert cells_of(alice)[0] == "u" and cells_of(bob)[0] == "r"


def test_week_cell_without_javascript_is_post_redirect_get(alice_client, alice, couple):
    response = alice_client.post(CELL, {"thu_afternoon": "s"})
    assert response.status_code == 302 and response["Location"] == DASHBOARD + "#my-week"
    assert cells_of(alice)[overlap.CELL_INDEX["thu_afternoon"]] == "s"
    page = alice_client.get(DASHBOARD).content.decode()
    button = re.search(r'<button[^>]*id="wk-thu_afternoon"[^>]*>', page).group(0)
    assert 'data-level="s"' in button and 'value="r"' in button  # the next tap: rarely


def test_week_cell_with_htmx_is_204_and_varies_on_hx_request(alice_client, alice, couple):
    response = alice_client.post(CELL, {"mon_early": "u"}, htmx=True)
    assert response.status_code == 204 and response.content == b""
    assert "HX-Request" in response["Vary"]


def test_week_cell_get_is_not_allowed_and_csrf_is_required(alice_client, couple):
    assert alice_client.get(CELL, {"mon_early": "u"}).status_code == 405
    assert alice_client.post(CELL, {"mon_early": "u"}, csrf=False).status_code == 403
    assert not TimingGrid.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"mon_early": "always"}, "usually open, sometimes, rarely or not said"),
        ({}, "Choose one part of the week"),
        ({"mon_noon": "u"}, "Choose one part of the week"),
        ({"mon_early": "u", "tue_early": "u"}, "Choose one part of the week"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_week_cell_bad_posts_are_422_with_the_reason_and_save_nothing(
    alice_client, couple, data, message, htmx
):
    response = alice_client.post(CELL, data, htmx=htmx)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert ("<html" in html) is not htmx  # a fragment for the script, a page otherwise
    assert not TimingGrid.objects.exists()


# --- the grid on the dashboard ------------------------------------------------


def test_week_grid_on_the_dashboard_has_a_named_button_for_every_cell(alice_client, couple):
    html = section(alice_client.get(DASHBOARD).content.decode())
    form = html[html.index('<form method="post" action="/timing/cell/"') :]
    form = form[: form.index("</form>")]
    buttons = re.findall(r"<button [^>]*>", form)
    assert len(buttons) == CELLS
    assert all('type="submit"' in b and 'data-level="-"' in b and 'value="u"' in b for b in buttons)
    assert (
        '<span class="visually-hidden">Monday, early morning: </span>'
        '<span class="wk-word" aria-hidden="true">\u2013</span>'
        '<span class="visually-hidden">not said</span></button>'
    ) in form
    assert '<span class="visually-hidden">Sunday, late night: </span>' in form
    assert 'name="csrfmiddlewaretoken"' in form
    # One tab stop and role="grid" come with the script: without it, every
    # button is reachable with Tab and the table is a plain table.
    assert "tabindex" not in form and 'role="grid"' not in form
    assert 'id="my-week-status" role="status"' in html
    assert 'href="/timing/"' in html and "Edit as a form" in html
    assert "style=" not in html and "<script" not in html


def test_week_grid_shows_my_saved_levels_and_the_next_one(alice, alice_client, couple):
    save_timing(space=space_of(alice), cells="usr-u" * 7, notes="", expected_version=0)
    html = section(alice_client.get(DASHBOARD).content.decode())
    for name, level, label, following in [
        ("mon_early", "u", "usually open", "s"),
        ("mon_morning", "s", "sometimes", "r"),
        ("mon_afternoon", "r", "rarely", "-"),
        ("mon_evening", "-", "not said", "u"),
    ]:
        button = re.search(rf'<button[^>]*id="wk-{name}".*?</button>', html).group(0)
        assert f'data-level="{level}"' in button and f'value="{following}"' in button
        assert f'<span class="visually-hidden">{label}</span></button>' in button


def test_week_js_speaks_the_domains_words():
    script = WEEK_JS.read_text()
    for key, label in overlap.LEVELS.items():
        # The English fallback; the page's own language comes from config/i18n.py,
        # which takes the words from the domain.
        quoted = f'"{key}"' if key == "-" else key
        assert f'{quoted}: T("level_{key}", null, "{label.lower()}")' in script
    for key, following in overlap.CYCLE.items():
        assert f'"{key}": "{following}"' in script or f'{key}: "{following}"' in script
    for key, short in overlap.LEVEL_SHORT.items():
        escaped = short.encode("unicode_escape").decode().replace("\\xad", "\\u00ad")
        assert f'"{escaped}"' in script, key


def test_week_form_page_shows_my_week_read_only_not_a_second_grid(alice_client, couple):
    html = alice_client.get(reverse("timing_edit")).content.decode()
    assert 'id="my-week-form"' not in html and html.count("<select") == CELLS
    assert "sees where our weeks meet and your notes, never the grid itself" in html


# --- what the partner sees and receives ---------------------------------------


def _bobs_timing_part(bob, alice_cells, sent, run, alice):
    """Bob's timing part, as the frame of alice's last tap brings it."""
    TimingGrid.objects.filter(author=alice).delete()
    save_timing(space=space_of(alice), cells=alice_cells[:-1] + "-", notes="n", expected_version=0)
    sent.clear()
    run(set_timing_cell, space=space_of(alice), cell="sun_late", level=alice_cells[-1])
    return [
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", section(frame))
        for frame in frames_for(sent, bob)
        if '<section id="timing"' in frame
    ]


def test_week_frame_to_the_partner_carries_the_overlap_and_nothing_of_my_week(
    alice, bob, couple, sent, run, make_client
):
    bob_page = make_client(bob).get(DASHBOARD).content.decode()
    sent.clear()
    run(set_timing_cell, space=space_of(alice), cell="mon_evening", level="r")
    frames = frames_for(sent, bob)
    timing_frames = [frame for frame in frames if '<section id="timing"' in frame]
    assert len(timing_frames) == 1
    frame = timing_frames[0]
    # The overlap is in it: one time now waits for both marks.
    assert overlap_figure(frame).count('class="hm-cell hm-waiting"><title>') == 1
    # Nothing says which of them has marked it, nor what the mark is.
    figure = overlap_figure(frame).lower()
    for word in ("alice", "bob", "partner", "rarely", "you ", "your", "one of"):
        assert word not in figure, word
    # Bob's own grid in the frame is bob's (all not said), none of alice's cells.
    assert 'id="wk-mon_evening"' in frame
    assert re.findall(r'data-level="([usr-])"', frame) == ["-"] * CELLS
    # The page as it was plus the frame is bob's fresh page.
    after = apply_frames(bob_page, frames)
    assert normalized(after) == normalized(make_client(bob).get(DASHBOARD).content.decode())


def test_week_partner_part_does_not_depend_on_how_a_lone_mark_reads(alice, bob, couple, sent, run):
    # Bob has marked nothing: whatever alice marks, bob receives the same bytes
    # ("waiting for both marks" everywhere she marked), so a "rarely" of hers is
    # never told to him through the picture or anything else in the frame.
    as_usually = _bobs_timing_part(bob, "u" * CELLS, sent, run, alice)
    as_rarely = _bobs_timing_part(bob, "r" * CELLS, sent, run, alice)
    as_mixed = _bobs_timing_part(bob, "usrsu" * 7, sent, run, alice)
    assert as_usually and as_usually == as_rarely == as_mixed
    assert overlap_figure(as_usually[0]).count("hm-waiting") >= CELLS
    assert "In Alice\u2019s words" in as_usually[0]  # her notes, written to be read


def test_week_partner_page_outside_the_overlap_does_not_depend_on_my_week(
    alice, bob, bob_client, couple
):
    # Once both have marked, the overlap is the only thing of alice's cells bob sees.
    save_timing(space=space_of(bob), cells="usu-s" * 7, notes="", expected_version=0)
    seen = []
    for alice_cells in ("u" * CELLS, "r" * CELLS, "sr-us" * 7):
        TimingGrid.objects.filter(author=alice).delete()
        save_timing(space=space_of(alice), cells=alice_cells, notes="n", expected_version=0)
        part = section(bob_client.get(DASHBOARD).content.decode())
        part = part.replace(overlap_figure(part), "")
        part = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", part)
        seen.append(part)
    assert seen[0] == seen[1] == seen[2]


def test_week_waiting_is_what_a_single_mark_shows_to_both(
    alice, bob, alice_client, bob_client, couple
):
    set_timing_cell(space=space_of(alice), cell="sat_morning", level="r")
    for client in (alice_client, bob_client):
        figure = overlap_figure(client.get(DASHBOARD).content.decode())
        assert figure.count('class="hm-cell hm-waiting"><title>') == 1
        assert "Saturday, morning: Waiting for both marks" in figure
        assert "Waiting for both marks" in figure and "Not marked yet" in figure
        assert "?" not in figure
    assert overlap.overlap(cells_of(alice), None).count(WAITING) == 1
