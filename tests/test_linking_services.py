from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from couples.access import current_space
from couples.domain.invite_codes import CODE_ALPHABET
from couples.models import Couple, Invite, InviteAttempt, Membership
from couples.services import ServiceError, Throttled, linking
from tests.factories import UserFactory, link

pytestmark = pytest.mark.django_db


def test_invite_code_is_eight_unambiguous_characters_and_stored_only_as_digest(alice):
    invite, code = linking.create_invite(creator=alice)
    assert len(code) == 8
    assert set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("01OIL")
    stored = Invite.objects.filter(pk=invite.pk).values_list("code_digest", flat=True).get()
    assert code not in stored and stored == linking.code_digest(code)
    assert invite.expires_at - invite.created_at == timedelta(hours=72)


def test_accepting_links_both_people_and_uses_up_the_invite(alice, bob):
    _invite, code = linking.create_invite(creator=alice)
    couple = linking.accept_invite(user=bob, code=code.lower()[:4] + "-" + code[4:])
    assert current_space(alice).partner == bob
    assert current_space(bob).partner == alice
    assert current_space(alice).couple == couple
    invite = Invite.objects.get(creator=alice)
    assert invite.accepted_by == bob and invite.accepted_at is not None
    with pytest.raises(ServiceError, match="already"):
        linking.accept_invite(user=UserFactory(), code=code)


def test_only_one_open_invite_per_person_a_new_one_replaces_the_old(alice, bob):
    _first, old_code = linking.create_invite(creator=alice)
    _second, new_code = linking.create_invite(creator=alice)
    assert Invite.objects.open().filter(creator=alice).count() == 1
    with pytest.raises(ServiceError, match="withdrawn"):
        linking.accept_invite(user=bob, code=old_code)
    linking.accept_invite(user=bob, code=new_code)
    assert current_space(bob).partner == alice


def test_database_refuses_a_second_open_invite(alice):
    linking.create_invite(creator=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invite.objects.create(
            creator=alice, code_digest="x" * 64, expires_at=timezone.now() + timedelta(hours=1)
        )


@pytest.mark.parametrize(
    "spoil, message",
    [
        ("own", "your own invite"),
        ("expired", "expired"),
        ("revoked", "withdrawn"),
        ("used", "already been used"),
        ("already_linked", "already linked"),
    ],
)
def test_refused_invites_say_why_and_change_nothing(alice, bob, carol, spoil, message):
    _invite, code = linking.create_invite(creator=alice)
    accepter = bob
    if spoil == "own":
        accepter = alice
    elif spoil == "expired":
        Invite.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif spoil == "revoked":
        linking.revoke_invite(creator=alice)
    elif spoil == "used":
        linking.accept_invite(user=carol, code=code)
    elif spoil == "already_linked":
        link(carol, bob)
    couples_before = Couple.objects.count()
    memberships_before = list(Membership.objects.values_list("pk", "left_at"))
    with pytest.raises(ServiceError, match=message):
        linking.accept_invite(user=accepter, code=code)
    assert Couple.objects.count() == couples_before
    assert list(Membership.objects.values_list("pk", "left_at")) == memberships_before


def test_a_linked_person_cannot_make_an_invite(alice, bob, couple):
    with pytest.raises(ServiceError, match="already linked"):
        linking.create_invite(creator=alice)
    assert not Invite.objects.open().filter(creator=alice).exists()


def test_accepting_withdraws_the_accepters_own_open_invite(alice, bob):
    _a, alice_code = linking.create_invite(creator=alice)
    linking.create_invite(creator=bob)
    linking.accept_invite(user=bob, code=alice_code)
    assert not Invite.objects.open().filter(creator=bob).exists()


def test_a_person_belongs_to_at_most_one_couple_even_in_the_database(alice, bob, carol, couple):
    other = Couple.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(couple=other, user=alice)


def test_code_guessing_is_throttled_per_person(alice, bob, settings):
    settings.INVITE_ATTEMPT_LIMIT = 3
    _invite, code = linking.create_invite(creator=alice)
    for _ in range(3):
        with pytest.raises(ServiceError, match="does not match"):
            linking.accept_invite(user=bob, code="ZZZZZZZZ")
    with pytest.raises(Throttled):
        linking.accept_invite(user=bob, code=code)
    assert current_space(bob) is None
    assert InviteAttempt.objects.filter(user=bob).count() == 3


@pytest.mark.parametrize(
    "spoil, message",
    [
        ("malformed", "does not match"),
        ("unknown", "does not match"),
        ("used", "already been used"),
        ("withdrawn", "withdrawn"),
        ("expired", "expired"),
        ("own", "your own invite"),
    ],
)
def test_every_refused_code_counts_as_an_attempt(alice, bob, carol, settings, spoil, message):
    """A real code that cannot be used is still a code looked at: it counts, so
    trying used, withdrawn or expired codes is no way around the limit."""
    settings.INVITE_ATTEMPT_LIMIT = 2
    guesser = alice if spoil == "own" else bob
    _invite, code = linking.create_invite(creator=alice)
    if spoil == "malformed":
        code = "ZZZ"
    elif spoil == "unknown":
        code = "ZZZZZZZZ"
    elif spoil == "used":
        linking.accept_invite(user=carol, code=code)
    elif spoil == "withdrawn":
        linking.revoke_invite(creator=alice)
    elif spoil == "expired":
        Invite.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for _ in range(2):
        with pytest.raises(ServiceError, match=message):
            linking.accept_invite(user=guesser, code=code)
    assert InviteAttempt.objects.filter(user=guesser).count() == 2
    with pytest.raises(Throttled):
        linking.accept_invite(user=guesser, code=code)
    assert InviteAttempt.objects.filter(user=guesser).count() == 2


def test_a_linked_person_is_refused_before_the_code_is_looked_at(alice, bob, carol, couple):
    """The same answer whether the code is real or not (no oracle for linked
    people), and nothing counted: it says nothing about any code."""
    _invite, code = linking.create_invite(creator=carol)
    for attempt in (code, "ZZZZZZZZ"):
        with pytest.raises(ServiceError, match="already linked"):
            linking.accept_invite(user=alice, code=attempt)
    assert not InviteAttempt.objects.exists()


def test_other_peoples_wrong_codes_never_refuse_a_valid_one(alice, bob, settings):
    settings.INVITE_ATTEMPT_LIMIT = 1
    _invite, code = linking.create_invite(creator=alice)
    for _ in range(10):
        with pytest.raises(ServiceError):
            linking.accept_invite(user=UserFactory(), code="ZZZZZZZZ")
    linking.accept_invite(user=bob, code=code)
    assert current_space(bob).partner == alice


def test_old_attempts_stop_counting_after_the_window(alice, bob, settings):
    settings.INVITE_ATTEMPT_LIMIT = 1
    _invite, code = linking.create_invite(creator=alice)
    InviteAttempt.objects.create(
        user=bob,
        attempted_at=timezone.now() - timedelta(minutes=settings.INVITE_ATTEMPT_WINDOW_MINUTES + 1),
    )
    linking.accept_invite(user=bob, code=code)
    assert current_space(bob).partner == alice


def test_unlink_alone_ends_the_couple_for_both(alice, bob, couple):
    linking.unlink(user=bob)
    assert current_space(alice) is None and current_space(bob) is None
    couple.refresh_from_db()
    assert couple.dissolved_at is not None
    assert Membership.objects.filter(couple=couple, left_at__isnull=False).count() == 2
    with pytest.raises(ServiceError, match="not linked"):
        linking.unlink(user=alice)


def test_unlinked_people_can_link_again_with_someone_new(alice, bob, carol, couple):
    linking.unlink(user=alice)
    link(alice, carol)
    assert current_space(alice).partner == carol
    assert current_space(bob) is None
