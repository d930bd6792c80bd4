from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "couples"
    verbose_name = "Couples"

    def ready(self):
        from django.core import checks

        from .fields import check_field_encryption_keys
        from .services import notifications, people  # noqa: F401  signal receivers

        checks.register(check_field_encryption_keys, checks.Tags.security)
