from django.urls import path

from .views import (
    alternatives,
    brief,
    dashboard,
    linking,
    moment,
    patterns,
    privacy,
    reflections,
    statements,
    therapy,
    timing,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("parts/<slug:name>/", dashboard.part, name="part"),
    path("invite/", linking.invite_create, name="invite_create"),
    path("invite/revoke/", linking.invite_revoke, name="invite_revoke"),
    path("join/", linking.join, name="join"),
    path("join/<str:code>/", linking.join, name="join_link"),
    path("unlink/", linking.unlink, name="unlink"),
    path("statements/new/", statements.statement_new, name="statement_new"),
    path("statements/<int:pk>/edit/", statements.statement_edit, name="statement_edit"),
    path("statements/<int:pk>/retire/", statements.statement_retire, name="statement_retire"),
    path("statements/<int:pk>/heard/", statements.statement_heard, name="statement_heard"),
    path("statements/<int:pk>/questions/", statements.statement_ask, name="statement_ask"),
    path("statements/<int:pk>/history/", statements.statement_history, name="statement_history"),
    path("statements/retired/", statements.statements_retired, name="statements_retired"),
    path(
        "statements/questions/<int:pk>/answer/",
        statements.question_answer,
        name="statement_answer",
    ),
    path("reflections/", reflections.journal, name="reflections"),
    path("reflections/new/", reflections.reflection_create, name="reflection_create"),
    path(
        "reflections/<int:reflection_id>/", reflections.reflection_detail, name="reflection_detail"
    ),
    path(
        "reflections/<int:reflection_id>/edit/", reflections.reflection_edit, name="reflection_edit"
    ),
    path(
        "reflections/<int:reflection_id>/delete/",
        reflections.reflection_delete,
        name="reflection_delete",
    ),
    path(
        "reflections/<int:reflection_id>/therapy/",
        reflections.reflection_therapy,
        name="reflection_therapy",
    ),
    path("timing/", timing.timing_edit, name="timing_edit"),
    path("patterns/", patterns.patterns, name="patterns"),
    path("patterns/sharing/", patterns.pattern_sharing, name="pattern_sharing"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("therapy/", therapy.session_create, name="therapy_session_create"),
    path("therapy/sessions/", therapy.session_list, name="therapy_sessions"),
    path("therapy/<int:session_id>/", therapy.session_detail, name="therapy_session"),
    path("therapy/<int:session_id>/brief/", brief.brief_page, name="therapy_brief"),
    path("therapy/<int:session_id>/brief.pdf", brief.brief_pdf, name="therapy_brief_pdf"),
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
    path("moment/ask/", moment.ask_create, name="moment_ask"),
    path("moment/asks/<int:ask_id>/withdraw/", moment.ask_withdraw, name="moment_withdraw"),
    path("moment/asks/<int:ask_id>/answer/", moment.ask_answer, name="moment_answer"),
    path("moment/asks/<int:ask_id>/decline/", moment.decline, name="moment_decline"),
    path("moment/asks/<int:ask_id>/reply/", moment.ask_reply, name="moment_reply"),
    path("moment/asks/<int:ask_id>/put-away/", moment.reply_put_away, name="moment_put_away"),
    path(
        "moment/rain-checks/<int:rain_check_id>/redeem/",
        moment.rain_check_redeem,
        name="moment_rain_check_redeem",
    ),
    path(
        "moment/rain-checks/<int:rain_check_id>/move/",
        moment.rain_check_move,
        name="moment_rain_check_move",
    ),
    path(
        "moment/rain-checks/<int:rain_check_id>/let-go/",
        moment.rain_check_let_go,
        name="moment_rain_check_let_go",
    ),
    path("alternatives/", alternatives.my_answers, name="alternatives"),
    path("alternatives/propose/", alternatives.propose, name="alternatives_propose"),
    path("alternatives/<int:activity_id>/answer/", alternatives.answer, name="alternatives_answer"),
    path(
        "alternatives/<int:activity_id>/withdraw/",
        alternatives.withdraw,
        name="alternatives_withdraw",
    ),
]
