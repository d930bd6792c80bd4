import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from couples import parts
from couples.access import current_space
from couples.domain.overlap import CELLS, DAYS, PARTS
from couples.forms.timing import cell_name
from couples.models import TimingGrid
from couples.services import linking
from couples.services.timing import save_timing
from tests.factories import space_of

pytestmark = pytest.mark.django_db

EDIT = reverse("timing_edit")
DASHBOARD = reverse("dashboard")
MORNINGS = "-u---" * 7
EVENINGS = "---us" * 7


def grid_post(cells="u" * CELLS, *, notes="", version=0, **overrides):
    data = {"version": version, "notes": notes}
    for d, (day_key, _dl, _ds) in enumerate(DAYS):
        for p, (part_key, _pl, _ps) in enumerate(PARTS):
            data[cell_name(day_key, part_key)] = cells[d * len(PARTS) + p]
    data.update(overrides)
    return data


def overlap_figure(html):
    start = html.index('<figure class="timing-overlap"')
    return html[start : html.index("</figure>", start) + len("</figure>")]


def timing_section(html):
    start = html.index('<section id="timing"')
    return html[start : html.index("</section>", start)]


# --- access matrix -------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_htmx_gets_hx_redirect(anon_client, couple):
    response = anon_client.get(EDIT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = anon_client.get(EDIT, htmx=True)
    assert response.status_code == 401 and "/accounts/login/" in response["HX-Redirect"]
    response = anon_client.post(EDIT, grid_post())
    assert response.status_code == 302
    assert not TimingGrid.objects.exists()


def test_outsider_gets_404_and_saves_nothing(carol_client, couple, alice):
    save_timing(
        space=space_of(alice), cells=MORNINGS, notes="alice-canary-notes", expected_version=0
    )
    response = carol_client.get(EDIT)
    assert response.status_code == 404
    assert b"alice-canary-notes" not in response.content
    response = carol_client.post(EDIT, grid_post(), htmx=True)
    assert response.status_code == 404
    assert TimingGrid.objects.count() == 1
    assert b"alice-canary-notes" not in carol_client.get(DASHBOARD).content


def test_edit_page_has_a_labelled_select_for_every_day_and_part(alice_client, couple):
    response = alice_client.get(EDIT)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<select") == CELLS
    assert html.count('<fieldset class="timing-day">') == 7
    assert "<legend>Monday</legend>" in html
    label = re.search(r'<label for="id_mon_early">(.*?)</label>', html).group(1)
    assert "Monday" in label and "Early morning" in label
    # Nothing is preselected as open: a fresh grid says "not said" everywhere.
    assert html.count('value="-" selected') == CELLS
    assert "style=" not in html and "<script>" not in html


def test_owner_saves_with_plain_post_and_is_redirected_to_the_dashboard(
    alice_client, alice, couple
):
    response = alice_client.post(EDIT, grid_post(MORNINGS, notes="a morning person"))
    assert response.status_code == 302 and response["Location"] == DASHBOARD + "#timing"
    grid = TimingGrid.objects.get(author=alice)
    assert grid.cells == MORNINGS and grid.notes == "a morning person" and grid.version == 1
    page = alice_client.get(DASHBOARD).content.decode()
    assert "Your week is saved." in page and "a morning person" in timing_section(page)


def test_owner_saves_with_htmx_and_gets_the_editor_and_the_section_swapped(
    alice_client, alice, couple
):
    response = alice_client.post(EDIT, grid_post(MORNINGS), htmx=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert '<div id="timing-editor">' in html and "Your week is saved." in html
    assert '<section id="timing" aria-labelledby="timing-h" hx-swap-oob="outerHTML">' in html
    assert 'name="version" value="1"' in html  # the next save builds on this one
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_post_without_csrf_token_is_rejected_and_saves_nothing(alice_client, couple):
    response = alice_client.post(EDIT, grid_post(), csrf=False)
    assert response.status_code == 403
    assert not TimingGrid.objects.exists()


def test_get_never_saves(alice_client, couple):
    alice_client.get(EDIT, grid_post())
    assert not TimingGrid.objects.exists()


# --- bad input and concurrency -------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_bad_choice_is_422_with_the_form_again_and_nothing_saved(alice_client, couple, htmx):
    data = grid_post(MORNINGS, **{"wed_evening": "always"})
    response = alice_client.post(EDIT, data, htmx=htmx)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose usually open, sometimes, rarely or not said." in html
    assert 'id="timing-form"' in html
    assert ("<html" in html) is not htmx
    assert not TimingGrid.objects.exists()


def test_a_missing_cell_is_422_not_silently_erased(alice_client, alice, couple):
    save_timing(space=space_of(alice), cells="u" * CELLS, notes="", expected_version=0)
    data = grid_post("u" * CELLS, version=1)
    del data["fri_late"]
    response = alice_client.post(EDIT, data, htmx=True)
    assert response.status_code == 422
    assert TimingGrid.objects.get(author=alice).cells == "u" * CELLS


def test_notes_too_long_is_422_with_the_limit_named(alice_client, couple):
    response = alice_client.post(EDIT, grid_post(notes="x" * 501), htmx=True)
    assert response.status_code == 422
    assert "at most 500 characters" in response.content.decode()
    assert not TimingGrid.objects.exists()


def test_stale_save_is_409_and_shows_both_versions(alice_client, alice, couple):
    save_timing(
        space=space_of(alice), cells=MORNINGS, notes="saved-in-other-tab", expected_version=0
    )
    response = alice_client.post(
        EDIT, grid_post(EVENINGS, notes="typed-in-this-tab", version=0), htmx=True
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "saved-in-other-tab" in html  # what is saved now
    assert "typed-in-this-tab" in html  # what this tab tried, kept in the form
    assert 'name="version" value="1"' in html  # saving again is now a deliberate choice
    assert re.search(r'<option value="u" selected>Usually open</option>', html)
    grid = TimingGrid.objects.get(author=alice)
    assert (grid.notes, grid.version) == ("saved-in-other-tab", 1)
    # Saving the kept form again goes through.
    response = alice_client.post(EDIT, grid_post(EVENINGS, notes="typed-in-this-tab", version=1))
    assert response.status_code == 302
    assert TimingGrid.objects.get(author=alice).notes == "typed-in-this-tab"


# --- what each partner sees ----------------------------------------------------


def test_partner_sees_the_overlap_and_the_owners_notes_but_not_their_week_nor_edits_it(
    alice, bob, bob_client, couple
):
    save_timing(
        space=space_of(alice), cells=MORNINGS, notes="alice-notes-for-bob", expected_version=0
    )
    page = bob_client.get(DASHBOARD).content.decode()
    section = timing_section(page)
    assert "alice-notes-for-bob" in section and "In Alice\u2019s words" in section
    # Alice's week itself is not shown: only where the two weeks meet.
    assert "Alice\u2019s week" not in section and "Usually open" not in section.replace(
        overlap_figure(section), ""
    )
    # Bob's save only ever writes Bob's own grid.
    bob_client.post(EDIT, grid_post(EVENINGS, notes="bob"))
    assert TimingGrid.objects.get(author=alice).cells == MORNINGS
    assert TimingGrid.objects.get(author=bob).cells == EVENINGS


def test_overlap_picture_is_identical_for_both_partners(
    alice, bob, alice_client, bob_client, couple
):
    save_timing(space=space_of(alice), cells="usr-u" * 7, notes="", expected_version=0)
    save_timing(space=space_of(bob), cells="uusr-" * 7, notes="", expected_version=0)
    alice_view = overlap_figure(alice_client.get(DASHBOARD).content.decode())
    bob_view = overlap_figure(bob_client.get(DASHBOARD).content.decode())
    assert alice_view == bob_view
    for key in ("hm-strong", "hm-good", "hm-low", "hm-unmarked"):
        assert key in alice_view


def test_overlap_view_never_names_or_counts_who_is_less_available(
    alice, bob, alice_client, bob_client, couple
):
    save_timing(space=space_of(alice), cells="u" * CELLS, notes="", expected_version=0)
    save_timing(space=space_of(bob), cells="r" * CELLS, notes="", expected_version=0)
    for client in (alice_client, bob_client):
        figure = overlap_figure(client.get(DASHBOARD).content.decode())
        lowered = figure.lower()
        for word in ("alice", "bob", "partner", "you ", "your", "rarely", "one of"):
            assert word not in lowered, word
        assert not re.search(r"\d+ (times|slots|of)", figure)
        assert "style=" not in figure


def test_dashboard_section_has_no_inline_styles_or_scripts(alice, alice_client, couple):
    save_timing(space=space_of(alice), cells=MORNINGS, notes="n", expected_version=0)
    section = timing_section(alice_client.get(DASHBOARD).content.decode())
    assert "<svg" in section and "style=" not in section and "<script" not in section
    assert 'href="/timing/"' in section  # a plain link to edit, works without JavaScript


def test_part_renders_for_each_recipient_as_live_sync_will(rf, alice, bob, couple):
    save_timing(space=space_of(alice), cells=MORNINGS, notes="alice-notes", expected_version=0)
    request = rf.get("/")
    request.user = bob
    html = parts.render_part_html("timing", request, current_space(bob))
    assert html.strip().startswith('<section id="timing"')
    assert "alice-notes" in html and "In Alice\u2019s words" in html


def test_after_unlink_the_partner_sees_nothing_of_the_grid(
    alice, bob, alice_client, bob_client, couple
):
    save_timing(
        space=space_of(alice), cells=MORNINGS, notes="alice-canary-timing", expected_version=0
    )
    linking.unlink(user=alice)
    assert b"alice-canary-timing" not in bob_client.get(DASHBOARD).content
    assert bob_client.get(EDIT).status_code == 404
    assert alice_client.get(EDIT).status_code == 404
    assert TimingGrid.objects.filter(author=alice).exists()  # kept, still hers


def test_after_relinking_the_new_partner_never_sees_the_old_grid(
    alice, carol, carol_client, couple
):
    from tests.factories import link

    save_timing(space=space_of(alice), cells=MORNINGS, notes="alice-canary-old", expected_version=0)
    linking.unlink(user=alice)
    link(alice, carol)
    page = carol_client.get(DASHBOARD).content.decode()
    assert "alice-canary-old" not in page
    assert "Alice\u2019s words" not in page


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_grid_content(alice, bob, alice_client, couple):
    empty = _dashboard_queries(alice_client)
    save_timing(space=space_of(alice), cells="u" * CELLS, notes="x" * 500, expected_version=0)
    save_timing(space=space_of(bob), cells="s" * CELLS, notes="y" * 500, expected_version=0)
    assert _dashboard_queries(alice_client) == empty


def test_notes_are_escaped_for_the_partner(alice, bob_client, couple):
    save_timing(
        space=space_of(alice),
        cells=MORNINGS,
        notes='<script>alert("x")</script>',
        expected_version=0,
    )
    section = timing_section(bob_client.get(DASHBOARD).content.decode())
    assert "<script>" not in section
    assert "&lt;script&gt;" in section
