"""Services of the private journal: only the author ever reaches a row."""

import pytest
from django.http import Http404

from couples.models import Reflection
from couples.services import Conflict
from couples.services.reflections import (
    EmptyReflection,
    delete_reflection,
    set_bring_to_therapy,
    update_reflection,
    write_reflection,
)


def test_a_person_who_is_not_linked_can_write(carol):
    reflection = write_reflection(author=carol, body="just for me")
    assert reflection.author == carol
    assert Reflection.objects.get().body == "just for me"


def test_reflection_is_not_couple_scoped(alice, couple):
    field_names = {f.name for f in Reflection._meta.get_fields()}
    assert "couple" not in field_names
    write_reflection(author=alice, body="mine")
    assert not hasattr(couple, "reflections")


def test_an_empty_reflection_is_refused(alice):
    with pytest.raises(EmptyReflection):
        write_reflection(author=alice, body="   ", tags=" , ")
    assert Reflection.objects.count() == 0


def test_a_prompt_choice_alone_is_enough(alice):
    reflection = write_reflection(author=alice, need="closeness")
    assert reflection.get_need_display() == "Closeness"


def test_tags_are_trimmed_and_deduplicated(alice):
    reflection = write_reflection(author=alice, body="x", tags=" tired ,Tired, late  night,,")
    assert reflection.tags == "tired, late night"


def test_owner_edits_with_current_version(alice):
    reflection = write_reflection(author=alice, body="first")
    updated = update_reflection(
        author=alice, reflection_id=reflection.pk, version=1, body="second", tags="a"
    )
    assert updated.version == 2
    assert Reflection.objects.get().body == "second"


def test_stale_edit_conflicts_and_keeps_the_saved_text(alice):
    reflection = write_reflection(author=alice, body="first")
    update_reflection(author=alice, reflection_id=reflection.pk, version=1, body="second")
    with pytest.raises(Conflict):
        update_reflection(author=alice, reflection_id=reflection.pk, version=1, body="third")
    assert Reflection.objects.get().body == "second"


@pytest.mark.parametrize("stranger", ["bob", "carol"])
def test_nobody_but_the_author_can_change_or_delete(request, alice, couple, stranger):
    other = request.getfixturevalue(stranger)
    reflection = write_reflection(author=alice, body="mine")
    with pytest.raises(Http404):
        update_reflection(author=other, reflection_id=reflection.pk, version=1, body="theirs")
    with pytest.raises(Http404):
        set_bring_to_therapy(author=other, reflection_id=reflection.pk, bring=True)
    with pytest.raises(Http404):
        delete_reflection(author=other, reflection_id=reflection.pk)
    fresh = Reflection.objects.get()
    assert (fresh.body, fresh.bring_to_therapy, fresh.version) == ("mine", False, 1)


def test_owner_flags_for_therapy_and_back(alice):
    reflection = write_reflection(author=alice, body="bring it")
    set_bring_to_therapy(author=alice, reflection_id=reflection.pk, bring=True)
    assert Reflection.objects.get().bring_to_therapy is True
    set_bring_to_therapy(author=alice, reflection_id=reflection.pk, bring=False)
    assert Reflection.objects.get().bring_to_therapy is False


def test_owner_deletes(alice):
    reflection = write_reflection(author=alice, body="gone")
    delete_reflection(author=alice, reflection_id=reflection.pk)
    assert Reflection.objects.count() == 0


def test_reflection_str_and_repr_never_hold_text(alice):
    reflection = write_reflection(author=alice, body="very private words")
    assert "private" not in str(reflection)
    assert "private" not in repr(reflection)
