from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import mfa_views, reauth, session_views
from accounts import views as account_views
from config import health
from couples.views import ownership

urlpatterns = [
    # Served by config.health.HealthEndpointsMiddleware before any other
    # middleware; the patterns exist for reverse() and the URL table.
    path("healthz/live", health.live, name="health_live"),
    path("healthz/ready", health.ready, name="health_ready"),
    path("accounts/profile/", account_views.profile, name="profile"),
    # The footer's language switch (Django's set_language; the account remembers it too).
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/confirm-password/", reauth.confirm_password, name="reauth_confirm"),
    path("accounts/export/", ownership.export_page, name="account_export"),
    path("accounts/export/download/", ownership.export_download, name="account_export_download"),
    path("accounts/delete/", ownership.account_delete, name="account_delete"),
    # allauth's sessions list in our words; its ending closes sockets (accounts/session_views.py).
    path("accounts/sessions/", session_views.sessions, name="usersessions_list"),
    # allauth's passkey removal, with a form that asks for the password when it is the
    # last passkey or app (accounts/mfa_views.py).
    path(
        "accounts/2fa/webauthn/keys/<int:pk>/remove/",
        mfa_views.remove_passkey,
        name="mfa_remove_webauthn",
    ),
    path("accounts/", include("allauth.urls")),
]
# Off in production unless the operator names its path (settings.ADMIN_PATH).
if settings.ADMIN_PATH:
    urlpatterns.append(path(settings.ADMIN_PATH, admin.site.urls))
urlpatterns.append(path("", include("couples.urls")))
