from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("invite/", views.invite_create, name="invite_create"),
    path("invite/revoke/", views.invite_revoke, name="invite_revoke"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join, name="join_link"),
    path("unlink/", views.unlink, name="unlink"),
]
