from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "couples"
    verbose_name = "Couples"

    def ready(self):
        # Registers every dashboard part (couples.parts) once, at start-up.
        from django.core import checks

        from . import views  # noqa: F401
        from .fields import check_field_encryption_keys

        checks.register(check_field_encryption_keys, checks.Tags.security)
