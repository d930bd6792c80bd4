"""IDOR through form fields: every write form of every area, sent with valid
data PLUS a stranger's ids in every field an id could hide in, acts only on the
sender's own things: the stranger's (carol's and dave's) rows are untouched.

Ids travel in URLs (covered by ``test_idor.py`` rows): these tests prove extra
fields are ignored, not trusted. The moment's forms are the exception (the
decline card's statement and alternative, the alternative offered or asked
for): a stranger's id there is refused and writes nothing (the last test).
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from couples.forms.timing import TimingGridForm
from couples.models import Couple
from couples.services import alternatives, moment
from tests.factories import space_of

from .harness import changed_tables, client_for, db_fingerprint, send

pytestmark = pytest.mark.django_db

ID_FIELDS = (
    "id", "pk", "user", "user_id", "author", "author_id", "couple", "couple_id",
    "asker", "added_by", "creator", "statement", "statement_id", "question",
    "question_id", "reflection", "reflection_id", "session", "session_id",
    "topic", "topic_id", "activity", "activity_id", "grid", "membership",
    "ask", "ask_id", "answer_id", "rain_check", "rain_check_id", "from_rain_check",
    "person", "person_id", "sharing", "sharing_id",
)  # fmt: skip


def smuggled(world):
    """Every likely id field, naming one of the stranger's things."""
    f = world.foreign
    by_kind = {
        "user": world.carol.pk,
        "author": world.carol.pk,
        "asker": world.carol.pk,
        "added_by": world.carol.pk,
        "creator": world.carol.pk,
        "couple": world.carol_couple.pk,
        "statement": f["statement"].pk,
        "question": f["question_to_carol"].pk,
        "reflection": f["reflection"].pk,
        "session": f["therapy_session"].pk,
        "topic": f["topic"].pk,
        "activity": f["alternative"].pk,
        "ask": f["ask"].pk,
        "answer": f["answered_ask"].answer.pk,
        "rain_check": f["rain_check"].pk,
        "from_rain_check": f["rain_check"].pk,
        "person": world.carol.pk,
        "sharing": f["pattern_sharing"].pk,
    }
    data = {}
    for name in ID_FIELDS:
        kind = name.removesuffix("_id")
        data[name] = by_kind.get(kind, f["statement"].pk)
    return data


def stranger_rows(world):
    """Every row of every model that belongs to carol, dave or their couple."""
    user_model = get_user_model()
    strangers = [world.carol.pk, world.dave.pk]
    rows = {"users": list(user_model.objects.filter(pk__in=strangers).order_by("pk").values())}
    for model in apps.get_app_config("couples").get_models():
        query = Q()
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is user_model:
                query |= Q(**{f"{f.name}__in": strangers})
            elif f.is_relation and f.related_model is Couple:
                query |= Q(**{f.name: world.carol_couple.pk})
        if model is Couple:
            query |= Q(pk=world.carol_couple.pk)
        if query:
            rows[model.__name__] = list(model.objects.filter(query).order_by("pk").values())
    return rows


def _week(version):
    form = TimingGridForm(initial={"version": version})
    data = {name: field.initial for name, field in form.fields.items() if name != "version"}
    return {**data, "version": version, "notes": "alice's own notes"}


def _soon():
    return (datetime.date.today() + datetime.timedelta(days=10)).isoformat()


def _bob_says_yes(world):
    alternatives.answer_activity(
        space=space_of(world.bob), activity_id=world.objects["alternative"].pk, answer="yes"
    )
    return {}


def _alice_takes_her_ask_back(world):
    """Redeeming makes a new ask: alice's open one goes first (one per person)."""
    moment.withdraw(space=space_of(world.alice), ask_id=world.objects["ask"].pk)
    return {"kind": "closeness", "words": "now, gently"}


def _ask(w, action):
    return f"/moment/asks/{w.objects['ask'].pk}/{action}/"


def _answered(w, action):
    return f"/moment/asks/{w.objects['answered_ask'].pk}/{action}/"


def _rain_check(w, action):
    return f"/moment/rain-checks/{w.objects['rain_check'].pk}/{action}/"


CARD = {"action": "send", "reason": "tired", "statement": "", "activity": "", "rain_check": "come"}

STATEMENT = {
    "reason": "tired",
    "meaning": "mine",
    "not_meaning": "not that",
    "reassurance": "still here",
}

# (label, role, path builder, valid data builder)
WRITES = [
    ("statement_new", "owner", lambda w: "/statements/new/", lambda w: STATEMENT),
    (
        "statement_edit",
        "owner",
        lambda w: f"/statements/{w.objects['statement'].pk}/edit/",
        lambda w: {**STATEMENT, "version": w.objects["statement"].version},
    ),
    (
        "statement_ask",
        "partner",
        lambda w: f"/statements/{w.objects['statement'].pk}/questions/",
        lambda w: {"text": "a question"},
    ),
    (
        "statement_answer",
        "partner",
        lambda w: f"/statements/questions/{w.objects['question'].pk}/answer/",
        lambda w: {"answer": "an answer", "version": w.objects["question"].version},
    ),
    (
        "statement_heard",
        "partner",
        lambda w: f"/statements/{w.objects['statement'].pk}/heard/",
        lambda w: {},
    ),
    (
        "statement_retire",
        "owner",
        lambda w: f"/statements/{w.objects['statement'].pk}/retire/",
        lambda w: {},
    ),
    (
        "reflection_delete",
        "owner",
        lambda w: f"/reflections/{w.objects['reflection'].pk}/delete/",
        lambda w: {},
    ),
    ("reflection_create", "owner", lambda w: "/reflections/new/", lambda w: {"body": "mine"}),
    (
        "reflection_edit",
        "owner",
        lambda w: f"/reflections/{w.objects['reflection'].pk}/edit/",
        lambda w: {"body": "mine again", "version": w.objects["reflection"].version},
    ),
    (
        "reflection_therapy",
        "owner",
        lambda w: f"/reflections/{w.objects['reflection'].pk}/therapy/",
        lambda w: {"bring": "0"},
    ),
    ("timing_edit", "owner", lambda w: "/timing/", lambda w: _week(1)),
    ("timing_cell", "owner", lambda w: "/timing/cell/", lambda w: {"sat_evening": "s"}),
    ("timing_cell_by_partner", "partner", lambda w: "/timing/cell/", lambda w: {"sun_early": "u"}),
    (
        "therapy_session_create",
        "owner",
        lambda w: "/therapy/",
        lambda w: {"planned_for": _soon(), "therapist_name": "Dr A"},
    ),
    (
        "therapy_session_update",
        "partner",
        lambda w: f"/therapy/{w.objects['therapy_session'].pk}/edit/",
        lambda w: {
            "planned_for": _soon(),
            "therapist_name": "Dr B",
            "version": w.objects["therapy_session"].version,
        },
    ),
    (
        "therapy_topic_add",
        "partner",
        lambda w: f"/therapy/{w.objects['therapy_session'].pk}/topics/",
        lambda w: {"text": "a topic", "note": "a note"},
    ),
    (
        "therapy_topic_move",
        "owner",
        lambda w: f"/therapy/topics/{w.objects['topic'].pk}/move/",
        lambda w: {"direction": "down"},
    ),
    (
        "therapy_topic_discussed",
        "partner",
        lambda w: f"/therapy/topics/{w.objects['topic'].pk}/discussed/",
        lambda w: {"discussed": "1"},
    ),
    (
        "therapy_topic_remove",
        "owner",
        lambda w: f"/therapy/topics/{w.objects['topic'].pk}/remove/",
        lambda w: {},
    ),
    ("alternatives_propose", "owner", lambda w: "/alternatives/propose/", lambda w: {"name": "X"}),
    (
        "alternatives_answer",
        "partner",
        lambda w: f"/alternatives/{w.objects['alternative'].pk}/answer/",
        lambda w: {f"a{w.objects['alternative'].pk}-answer": "yes"},
    ),
    (
        "alternatives_withdraw",
        "partner",
        lambda w: f"/alternatives/{w.objects['alternative'].pk}/withdraw/",
        lambda w: _bob_says_yes(w),
    ),
    (
        "moment_ask",
        "partner",
        lambda w: "/moment/ask/",
        lambda w: {"ask-kind": "closeness", "ask-when": "now", "ask-words": "hi"},
    ),
    ("moment_withdraw", "owner", lambda w: _ask(w, "withdraw"), lambda w: {}),
    ("moment_answer", "partner", lambda w: _ask(w, "answer"), lambda w: {"answer": "yes"}),
    (
        "moment_answer_something_else",
        "partner",
        lambda w: _ask(w, "answer"),
        lambda w: {"answer": "something_else", "activity": ""},
    ),
    (
        "moment_answer_talk",
        "partner",
        lambda w: _ask(w, "answer"),
        lambda w: {"answer": "talk", "text": "how we ask"},
    ),
    ("moment_decline", "partner", lambda w: _ask(w, "decline"), lambda w: CARD),
    ("moment_reply", "partner", lambda w: _answered(w, "reply"), lambda w: {"reply": "thanks"}),
    ("moment_put_away", "owner", lambda w: _answered(w, "put-away"), lambda w: {}),
    (
        "moment_rain_check_redeem",
        "owner",
        lambda w: _rain_check(w, "redeem"),
        _alice_takes_her_ask_back,
    ),
    (
        "moment_rain_check_move",
        "owner",
        lambda w: _rain_check(w, "move"),
        lambda w: {"rain_check": "come", "version": w.objects["rain_check"].version},
    ),
    ("moment_rain_check_let_go", "owner", lambda w: _rain_check(w, "let-go"), lambda w: {}),
    # My patterns: whose choice and in which couple come from the session alone.
    (
        "pattern_sharing_share",
        "partner",
        lambda w: "/patterns/sharing/",
        lambda w: {"action": "share", "parts": ["reasons", "asks"]},
    ),
    ("pattern_sharing_stop", "owner", lambda w: "/patterns/sharing/", lambda w: {"action": "stop"}),
]


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.mark.parametrize(
    ("label", "role", "path", "data"), WRITES, ids=[write[0] for write in WRITES]
)
def test_a_strangers_ids_in_form_fields_are_ignored(label, role, path, data, world):
    before = stranger_rows(world)
    client = client_for(world.user(role))
    for method in ("POST", "HX-POST"):
        with transaction.atomic():
            body = {**smuggled(world), **data(world)}  # (may first set the scene)
            mine_before = db_fingerprint()
            response = send(client, method, path(world), data=body)
            mine_after = db_fingerprint()
            after = stranger_rows(world)
            transaction.set_rollback(True)
        assert response.status_code < 400, (label, method, response.status_code)
        assert changed_tables(mine_before, mine_after), f"{label}: the valid write wrote nothing"
        assert after == before, f"{label} {method} touched the stranger's rows"


# The moment's forms carry ids of their own (the decline card's statement and
# alternative, the something-else alternative, the ask's alternative): a
# stranger's there is refused, and nothing is written anywhere.
OWN_ID_FIELDS = [
    ("decline_statement", "partner", "decline", lambda f: {**CARD, "statement": f["statement"].pk}),
    (
        "decline_activity",
        "partner",
        "decline",
        lambda f: {**CARD, "activity": f["alternative"].pk},
    ),
    (
        "something_else_activity",
        "partner",
        "answer",
        lambda f: {"answer": "something_else", "activity": f["alternative"].pk},
    ),
    (
        "ask_activity",
        "partner",
        "ask",
        lambda f: {
            "ask-kind": "alternative",
            "ask-when": "now",
            "ask-activity": f["alternative"].pk,
        },
    ),
]


@pytest.mark.parametrize(
    ("label", "role", "action", "data"), OWN_ID_FIELDS, ids=[row[0] for row in OWN_ID_FIELDS]
)
def test_a_strangers_id_in_a_moment_forms_own_id_field_is_refused(label, role, action, data, world):
    path = "/moment/ask/" if action == "ask" else _ask(world, action)
    client = client_for(world.user(role))
    for method in ("POST", "HX-POST"):
        with transaction.atomic():
            before = db_fingerprint()
            response = send(client, method, path, data=data(world.foreign))
            after = db_fingerprint()
            transaction.set_rollback(True)
        assert response.status_code in (404, 422), (label, method, response.status_code)
        assert not changed_tables(before, after), (label, method, changed_tables(before, after))
