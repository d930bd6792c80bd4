from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import reauth
from accounts import views as account_views
from couples.views import ownership

urlpatterns = [
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/confirm-password/", reauth.confirm_password, name="reauth_confirm"),
    path("accounts/export/", ownership.export_page, name="account_export"),
    path("accounts/export/download/", ownership.export_download, name="account_export_download"),
    path("accounts/delete/", ownership.account_delete, name="account_delete"),
    path("accounts/", include("allauth.urls")),
]
# Off in production unless the operator names its path (settings.ADMIN_PATH).
if settings.ADMIN_PATH:
    urlpatterns.append(path(settings.ADMIN_PATH, admin.site.urls))
urlpatterns.append(path("", include("couples.urls")))
