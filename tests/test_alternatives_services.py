import pytest
from django.http import Http404

from couples import access
from couples.access import current_space
from couples.models import AlternativeActivity, AlternativeAnswer
from couples.services import ServiceError, linking
from couples.services import alternatives as service
from tests.factories import UserFactory, link, space_of

pytestmark = pytest.mark.django_db


def catalogue(key="cuddling"):
    return AlternativeActivity.objects.get(catalogue_key=key)


def agreed_names(user):
    return [a.name for a in access.agreed_activities(current_space(user))]


def test_starter_catalogue_holds_the_kind_activities_in_a_stable_order():
    names = list(
        AlternativeActivity.objects.filter(couple__isnull=True)
        .order_by("position")
        .values_list("name", flat=True)
    )
    assert names[:3] == ["Cuddling", "A massage", "Holding hands"]
    assert "One of us pleasuring themself with the other present" in names
    assert "Talking about what each of us likes" in names
    assert len(names) >= 10


def test_activity_is_agreed_only_when_both_said_yes(couple, alice, bob):
    hug = catalogue()
    service.answer_activity(space=space_of(alice), activity_id=hug.pk, answer="yes")
    assert agreed_names(alice) == agreed_names(bob) == []
    for bobs in ("maybe", "no", ""):
        service.answer_activity(space=space_of(bob), activity_id=hug.pk, answer=bobs)
        assert agreed_names(alice) == agreed_names(bob) == []
    service.answer_activity(space=space_of(bob), activity_id=hug.pk, answer="yes")
    assert agreed_names(alice) == agreed_names(bob) == ["Cuddling"]


def test_not_answered_is_no_row_and_never_a_yes(couple, alice, bob):
    hug = catalogue()
    service.answer_activity(space=space_of(alice), activity_id=hug.pk, answer="yes")
    service.answer_activity(space=space_of(bob), activity_id=hug.pk, answer="yes")
    service.answer_activity(space=space_of(bob), activity_id=hug.pk, answer="")
    assert not AlternativeAnswer.objects.filter(user=bob).exists()
    assert agreed_names(alice) == []


def test_withdrawing_a_yes_removes_it_for_both_at_once(couple, alice, bob):
    hug, kiss = catalogue(), catalogue("kissing")
    for user in (alice, bob):
        for activity in (hug, kiss):
            service.answer_activity(space=space_of(user), activity_id=activity.pk, answer="yes")
    result = service.withdraw_yes(space=space_of(bob), activity_id=kiss.pk)
    assert result.agreed_changed is True
    assert agreed_names(alice) == agreed_names(bob) == ["Cuddling"]


def test_agreed_changed_is_true_only_when_the_shared_list_changes(couple, alice, bob):
    hug = catalogue()
    steps = [
        (alice, "yes", False),  # bob has not said yes: nothing shared changes
        (alice, "maybe", False),
        (bob, "yes", False),
        (alice, "yes", True),  # mutual yes: the shared list gains it
        (alice, "yes", False),  # saying yes again changes nothing
        (bob, "no", True),  # withdrawn: the shared list loses it
        (bob, "maybe", False),
    ]
    for user, answer, changed in steps:
        result = service.answer_activity(space=space_of(user), activity_id=hug.pk, answer=answer)
        assert result.agreed_changed is changed, (user, answer)


def test_answers_are_private_rows_of_their_author_in_their_couple(couple, alice, bob):
    hug = catalogue()
    service.answer_activity(space=space_of(alice), activity_id=hug.pk, answer="maybe")
    row = AlternativeAnswer.objects.get()
    assert (row.user, row.couple, row.answer) == (alice, couple, "maybe")
    bob_rows = access.my_answer_rows(current_space(bob))
    assert {r.my_answer for r in bob_rows} == {None}


def test_bad_answer_value_is_refused_and_nothing_saved(couple, alice):
    with pytest.raises(ServiceError):
        service.answer_activity(space=space_of(alice), activity_id=catalogue().pk, answer="sure")
    assert not AlternativeAnswer.objects.exists()


def test_outsider_and_unlinked_cannot_answer(couple, carol):
    with pytest.raises(Http404):
        service.answer_activity(space=space_of(carol), activity_id=catalogue().pk, answer="yes")
    assert not AlternativeAnswer.objects.exists()


def test_proposal_is_shared_in_the_couple_without_any_answer(couple, alice, bob):
    activity = service.propose_activity(space=space_of(alice), name="  Breakfast   in bed ")
    assert activity.name == "Breakfast in bed"
    assert (activity.author, activity.couple) == (alice, couple)
    assert not AlternativeAnswer.objects.exists()  # proposing is not consenting
    bob_names = [r.name for r in access.my_answer_rows(current_space(bob))]
    assert "Breakfast in bed" in bob_names


def test_duplicate_proposal_is_kindly_refused(couple, alice, bob):
    service.propose_activity(space=space_of(alice), name="Breakfast in bed")
    with pytest.raises(service.AlreadyListed) as caught:
        service.propose_activity(space=space_of(bob), name="breakfast IN bed")
    assert "already on your list" in caught.value.message
    with pytest.raises(service.AlreadyListed):
        service.propose_activity(space=space_of(bob), name="CUDDLING")
    assert AlternativeActivity.objects.filter(couple=couple).count() == 1


def test_a_catalogue_activity_named_in_the_proposers_language_is_already_listed(couple, alice):
    from django.utils import translation

    with translation.override("es"), pytest.raises(service.AlreadyListed) as caught:
        service.propose_activity(space=space_of(alice), name="besarnos")  # "Kissing"
    assert caught.value.activity.catalogue_key == "kissing"
    assert not AlternativeActivity.objects.filter(couple=couple).exists()


def test_proposal_name_has_a_length_limit_and_must_not_be_blank(couple, alice):
    with pytest.raises(ServiceError, match="80 characters"):
        service.propose_activity(space=space_of(alice), name="x" * 81)
    with pytest.raises(ServiceError, match="short name"):
        service.propose_activity(space=space_of(alice), name="   ")
    assert not AlternativeActivity.objects.filter(couple__isnull=False).exists()


def test_another_couples_proposal_is_invisible_and_unanswerable(couple, alice, carol):
    dave = UserFactory()
    link(carol, dave)
    secret = service.propose_activity(space=space_of(carol), name="Carol's own idea")
    assert "Carol's own idea" not in [r.name for r in access.my_answer_rows(current_space(alice))]
    with pytest.raises(Http404):
        service.answer_activity(space=space_of(alice), activity_id=secret.pk, answer="yes")
    # The same name is free in another couple.
    service.propose_activity(space=space_of(alice), name="Carol's own idea")


def test_after_unlink_nothing_agreed_carries_to_a_new_partner(couple, alice, bob):
    hug = catalogue()
    service.answer_activity(space=space_of(alice), activity_id=hug.pk, answer="yes")
    service.answer_activity(space=space_of(bob), activity_id=hug.pk, answer="yes")
    idea = service.propose_activity(space=space_of(alice), name="Our old ritual")
    linking.unlink(user=bob)
    with pytest.raises(Http404):
        service.answer_activity(space=space_of(bob), activity_id=hug.pk, answer="yes")
    erin = UserFactory()
    link(alice, erin)
    service.answer_activity(space=space_of(erin), activity_id=hug.pk, answer="yes")
    assert agreed_names(alice) == []  # alice's yes was given to bob, not to erin
    assert "Our old ritual" not in [r.name for r in access.my_answer_rows(current_space(erin))]
    with pytest.raises(Http404):
        service.answer_activity(space=space_of(erin), activity_id=idea.pk, answer="yes")
    # What alice wrote stays hers.
    assert AlternativeActivity.objects.filter(pk=idea.pk, author=alice).exists()


def test_a_stale_take_back_never_erases_a_later_no_or_maybe(couple, alice, bob):
    hug = catalogue()
    service.answer_activity(space=space_of(bob), activity_id=hug.pk, answer="no")
    result = service.withdraw_yes(space=space_of(bob), activity_id=hug.pk)
    assert (result.answer, result.agreed_changed) == ("no", False)
    assert AlternativeAnswer.objects.get(user=bob).answer == "no"
