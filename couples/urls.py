from django.urls import path

from .views import dashboard, linking

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("parts/<slug:name>/", dashboard.part, name="part"),
    path("invite/", linking.invite_create, name="invite_create"),
    path("invite/revoke/", linking.invite_revoke, name="invite_revoke"),
    path("join/", linking.join, name="join"),
    path("join/<str:code>/", linking.join, name="join_link"),
    path("unlink/", linking.unlink, name="unlink"),
]
