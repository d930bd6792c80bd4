from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # reauth: a login counts as a fresh confirmation; sessions: who each
        # session belongs to; tasks: a finished task's row is deleted;
        # languages: the login's own answer speaks the account's language.
        from . import languages, reauth, sessions, tasks  # noqa: F401
