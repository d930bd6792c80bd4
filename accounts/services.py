from django.db import transaction

from .signals import profile_changed
from .timezones import validate_time_zone


def update_display_name(*, user, display_name: str):
    return update_profile(user=user, display_name=display_name)


def update_profile(*, user, display_name: str, time_zone: str | None = None):
    """A person's name and (given) time zone; the couple's parts follow
    (``profile_changed``): the partner sees the name, and a note when the two
    clocks differ."""
    fields = ["display_name"]
    if time_zone is not None:
        validate_time_zone(time_zone)
        fields.append("time_zone")
    with transaction.atomic():
        user.display_name = display_name
        if time_zone is not None:
            user.time_zone = time_zone
        user.save(update_fields=fields)
        profile_changed.send(sender=type(user), user=user)
    return user
