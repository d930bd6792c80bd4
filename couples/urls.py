from django.urls import path

from .views import dashboard, linking, privacy, therapy

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("invite/", linking.invite_create, name="invite_create"),
    path("invite/revoke/", linking.invite_revoke, name="invite_revoke"),
    path("join/", linking.join, name="join"),
    path("join/<str:code>/", linking.join, name="join_link"),
    path("unlink/", linking.unlink, name="unlink"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("therapy/", therapy.session_create, name="therapy_session_create"),
    path("therapy/<int:session_id>/", therapy.session_detail, name="therapy_session"),
    path("therapy/<int:session_id>/edit/", therapy.session_update, name="therapy_session_update"),
    path("therapy/<int:session_id>/topics/", therapy.topic_add, name="therapy_topic_add"),
    path("therapy/topics/<int:topic_id>/move/", therapy.topic_move, name="therapy_topic_move"),
    path(
        "therapy/topics/<int:topic_id>/remove/", therapy.topic_remove, name="therapy_topic_remove"
    ),
    path(
        "therapy/topics/<int:topic_id>/discussed/",
        therapy.topic_discussed,
        name="therapy_topic_discussed",
    ),
]
