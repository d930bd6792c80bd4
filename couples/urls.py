from django.urls import path

from .views import alternatives, dashboard, linking

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("invite/", linking.invite_create, name="invite_create"),
    path("invite/revoke/", linking.invite_revoke, name="invite_revoke"),
    path("join/", linking.join, name="join"),
    path("join/<str:code>/", linking.join, name="join_link"),
    path("unlink/", linking.unlink, name="unlink"),
    path("alternatives/", alternatives.my_answers, name="alternatives"),
    path("alternatives/propose/", alternatives.propose, name="alternatives_propose"),
    path("alternatives/<int:activity_id>/answer/", alternatives.answer, name="alternatives_answer"),
    path(
        "alternatives/<int:activity_id>/withdraw/",
        alternatives.withdraw,
        name="alternatives_withdraw",
    ),
]
