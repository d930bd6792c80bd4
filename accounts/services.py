from django.db import transaction

from .languages import language_codes
from .signals import profile_changed
from .timezones import validate_time_zone


def update_display_name(*, user, display_name: str):
    return update_profile(user=user, display_name=display_name)


def update_profile(
    *, user, display_name: str, time_zone: str | None = None, language: str | None = None
):
    """A person's name and (given) time zone and language ("" follows the
    browser); the couple's parts follow (``profile_changed``): the partner sees
    the name, and a note when the two clocks differ."""
    fields = ["display_name"]
    if time_zone is not None:
        validate_time_zone(time_zone)
        fields.append("time_zone")
    if language is not None:
        if language and language not in language_codes():
            raise ValueError(f"unknown language {language!r}")
        fields.append("language")
    with transaction.atomic():
        user.display_name = display_name
        if time_zone is not None:
            user.time_zone = time_zone
        if language is not None:
            user.language = language
        user.save(update_fields=fields)
        profile_changed.send(sender=type(user), user=user)
    return user
