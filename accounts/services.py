from django.db import transaction

from .signals import profile_changed


def update_display_name(*, user, display_name: str):
    with transaction.atomic():
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        profile_changed.send(sender=type(user), user=user)
    return user
