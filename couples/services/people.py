"""What a person's own account changes mean for their couple."""

from django.dispatch import receiver

from accounts.signals import profile_changed
from realtime import broadcast

from ..access import current_space
from ..parts import COUPLE, PARTS


@receiver(profile_changed, dispatch_uid="couples.partner_bar_follows_profile")
def partner_bar_follows_profile(sender, user, **kwargs) -> None:
    """A new display name shows wherever the partner sees it (the partner bar,
    "<name>'s statements", "<name>'s week", who added a topic) and on the
    person's own other devices, after the profile's transaction commits."""
    space = current_space(user)
    if space is not None:
        shared = [name for name, part in PARTS.items() if part.scope == COUPLE]
        broadcast.part_changed(couple=space.couple, parts=shared)
