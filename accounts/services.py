from django.db import transaction

from couples.access import current_space
from realtime import broadcast


def update_display_name(*, user, display_name):
    with transaction.atomic():
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        space = current_space(user)
        if space is not None:
            # The partner bar shows each partner the other's name.
            broadcast.part_changed(couple=space.couple, parts=["partner"])
    return user
