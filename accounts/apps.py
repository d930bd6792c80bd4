from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Connects the login receiver that counts a login as a fresh confirmation.
        from . import reauth  # noqa: F401
