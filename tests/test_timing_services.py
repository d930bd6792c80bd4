import threading

import pytest
from django.db import IntegrityError, connection, transaction

from couples.domain.overlap import CELLS, EMPTY_GRID
from couples.models import TimingGrid
from couples.services import Conflict, NotFound, linking
from couples.services.timing import InvalidTiming, NotLinked, save_timing
from tests.factories import link, space_of

pytestmark = pytest.mark.django_db

MORNINGS = "-u---" * 7


def test_first_save_creates_the_authors_grid_in_their_current_couple(alice, bob, couple):
    grid = save_timing(
        space=space_of(alice), cells=MORNINGS, notes=" a morning person ", expected_version=0
    )
    assert grid.author == alice and grid.couple == couple
    assert grid.cells == MORNINGS and grid.notes == "a morning person" and grid.version == 1
    assert not TimingGrid.objects.filter(author=bob).exists()


def test_each_save_bumps_the_version_and_keeps_one_row(alice, couple):
    save_timing(space=space_of(alice), cells=MORNINGS, notes="", expected_version=0)
    grid = save_timing(space=space_of(alice), cells="s" * CELLS, notes="", expected_version=1)
    assert grid.version == 2
    assert TimingGrid.objects.get(author=alice).cells == "s" * CELLS


def test_stale_version_is_a_conflict_and_saves_nothing(alice, couple):
    save_timing(space=space_of(alice), cells=MORNINGS, notes="tab one", expected_version=0)
    with pytest.raises(Conflict):
        save_timing(space=space_of(alice), cells="r" * CELLS, notes="tab two", expected_version=0)
    grid = TimingGrid.objects.get(author=alice)
    assert (grid.cells, grid.notes, grid.version) == (MORNINGS, "tab one", 1)


@pytest.mark.parametrize(
    "cells, notes, message",
    [
        ("x" * CELLS, "", "usually open, sometimes, rarely"),
        ("u" * (CELLS - 1), "", "usually open, sometimes, rarely"),
        (None, "", "usually open, sometimes, rarely"),
        (EMPTY_GRID, "n" * 501, "at most 500"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_saves_nothing(
    alice, couple, cells, notes, message
):
    with pytest.raises(InvalidTiming, match=message) as raised:
        save_timing(space=space_of(alice), cells=cells, notes=notes, expected_version=0)
    assert raised.value.status == 422
    assert not TimingGrid.objects.exists()


def test_someone_not_linked_cannot_save_a_grid(carol, alice, bob, couple):
    # Not linked: there is no space to save in (the one way "not found" is raised).
    with pytest.raises(NotFound) as raised:
        save_timing(space=space_of(carol), cells=MORNINGS, notes="", expected_version=0)
    assert raised.value.status == 404
    # A space resolved before an unlink no longer takes a save.
    space = space_of(alice)
    linking.unlink(user=bob)
    with pytest.raises(NotLinked) as raised:
        save_timing(space=space, cells=MORNINGS, notes="", expected_version=0)
    assert raised.value.status == 404
    assert not TimingGrid.objects.exists()


def test_database_refuses_malformed_cells_and_a_second_grid(alice, couple):
    with pytest.raises(IntegrityError), transaction.atomic():
        TimingGrid.objects.create(author=alice, couple=couple, cells="y" * CELLS)
    save_timing(space=space_of(alice), cells=MORNINGS, notes="", expected_version=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimingGrid.objects.create(author=alice, couple=couple)


def test_after_unlink_and_a_new_link_the_grid_starts_fresh(alice, bob, carol, couple):
    save_timing(space=space_of(alice), cells=MORNINGS, notes="for bob", expected_version=0)
    linking.unlink(user=alice)
    new_couple = link(alice, carol)
    grid = save_timing(space=space_of(alice), cells="s" * CELLS, notes="", expected_version=0)
    assert grid.couple == new_couple
    old = TimingGrid.objects.get(author=alice, couple=couple)
    assert old.notes == "for bob"  # kept, still the author's own


@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_at_once_one_wins_the_other_gets_a_conflict(alice, bob):
    link(alice, bob)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(cells):
        try:
            barrier.wait(timeout=5)
            save_timing(space=space_of(alice), cells=cells, notes=cells[0], expected_version=0)
            outcomes.append(("saved", cells))
        except Conflict:
            outcomes.append(("conflict", cells))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(c * CELLS,)) for c in "ur"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "saved"]
    winner = next(cells for kind, cells in outcomes if kind == "saved")
    grid = TimingGrid.objects.get(author=alice)
    assert grid.cells == winner and grid.version == 1
