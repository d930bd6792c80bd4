from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "couples"
    verbose_name = "Couples"

    def ready(self):
        # Registers every dashboard part (couples.parts) once, at start-up.
        from . import views  # noqa: F401
