from django.db import transaction


def update_display_name(*, user, display_name):
    with transaction.atomic():
        user.display_name = display_name
        user.save(update_fields=["display_name"])
    return user
