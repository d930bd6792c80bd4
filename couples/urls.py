from django.urls import path

from .views import dashboard, linking, timing

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("invite/", linking.invite_create, name="invite_create"),
    path("invite/revoke/", linking.invite_revoke, name="invite_revoke"),
    path("join/", linking.join, name="join"),
    path("join/<str:code>/", linking.join, name="join_link"),
    path("unlink/", linking.unlink, name="unlink"),
    path("timing/", timing.timing_edit, name="timing_edit"),
]
