from django.contrib import admin
from django.urls import include, path

from accounts import reauth
from accounts import views as account_views

urlpatterns = [
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/confirm-password/", reauth.confirm_password, name="reauth_confirm"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("couples.urls")),
]
