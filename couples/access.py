"""Who may see what: the one place that answers it.

Every view and (later) every consumer asks here. A helper returns the thing for
a member and raises ``Http404`` for everyone else, so a stranger cannot tell a
foreign object from a missing one.
"""

import functools
from dataclasses import dataclass

from django.db import connection
from django.http import Http404

from .models import (
    AgendaTopic,
    Couple,
    Membership,
    Reflection,
    Statement,
    StatementQuestion,
    TherapySession,
    TimingGrid,
)


@dataclass(frozen=True)
class Space:
    """What one signed-in person shares right now: their couple and partner."""

    me: object
    couple: Couple
    partner: object


@functools.cache
def _space_sql():
    """The SQL of ``_current_rows`` and the fields its columns fill, in order."""
    from django.contrib.auth import get_user_model

    quote = connection.ops.quote_name
    User = get_user_model()
    couple_fields = Couple._meta.concrete_fields
    user_fields = User._meta.concrete_fields
    columns = [f"c.{quote(f.column)}" for f in couple_fields]
    columns += [f"u.{quote(f.column)}" for f in user_fields]
    membership = quote(Membership._meta.db_table)
    sql = (
        f"SELECT {', '.join(columns)} FROM {membership} me"  # noqa: S608  names from _meta
        f" JOIN {quote(Couple._meta.db_table)} c ON c.id = me.couple_id"
        f" JOIN {membership} m ON m.couple_id = me.couple_id AND m.left_at IS NULL"
        f" JOIN {quote(User._meta.db_table)} u ON u.id = m.user_id"
        " WHERE me.user_id = %s AND me.left_at IS NULL"
    )
    return sql, User, couple_fields, user_fields


def _from_row(model, fields, values):
    """A model instance from raw column values, converted as the ORM would."""
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        ):
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def _current_rows(user_id):
    """The person's couple and both current members (them included), in one
    query; ``(couple, {user_id: person})`` or ``(None, {})`` when not linked.

    Hand-written SQL, because this runs on every request, save and socket event,
    and the ORM spent ~1.5 ms building it each time; columns come from the
    models' own fields, and values go through the ORM's converters."""
    sql, User, couple_fields, user_fields = _space_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    if not rows:
        return None, {}
    split = len(couple_fields)
    couple = _from_row(Couple, couple_fields, rows[0][:split])
    people = {}
    for row in rows:
        person = _from_row(User, user_fields, row[split:])
        people[person.pk] = person
    return couple, people


def _space_from(user_id, me=None):
    couple, people = _current_rows(user_id)
    mine = people.pop(user_id, None)
    partner = next(iter(people.values()), None)
    if couple is None or mine is None or partner is None:
        return None
    return Space(me=me or mine, couple=couple, partner=partner)


def current_space(user):
    """The user's current couple and partner, or ``None`` when not linked."""
    if not user.is_authenticated:
        return None
    return _space_from(user.pk, me=user)


def person_and_space(user_id):
    """``(person, space)`` read fresh from the database: the person's row comes
    with their couple's when they are linked (one query), else on its own.
    ``(None, None)`` when the person no longer exists."""
    space = _space_from(user_id)
    if space is not None:
        return space.me, space
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first(), None


def get_space_for_member(user):
    """The user's current space; 404 for anyone who is not in a couple."""
    space = current_space(user)
    if space is None:
        raise Http404("Not linked.")
    return space


# --- "What my no means" statements -------------------------------------------


def statements_shared_in(space):
    """Statements both people of ``space`` may see: written in their current
    couple by one of them, and not retired (retiring withdraws a statement)."""
    return Statement.objects.current().filter(
        couple=space.couple, author_id__in=[space.me.pk, space.partner.pk]
    )


def get_statement_for_member(user, statement_id, *, lock=False):
    """A statement the user may read: any shared statement of their current
    couple, plus their own retired ones (the author keeps their history).
    404 for everyone and everything else."""
    space = get_space_for_member(user)
    queryset = Statement.objects.filter(couple=space.couple).select_related("author")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    statement = queryset.filter(pk=statement_id).first()
    if statement is None or statement.author_id not in (space.me.pk, space.partner.pk):
        raise Http404("No such statement.")
    if statement.is_retired and statement.author_id != user.pk:
        raise Http404("No such statement.")
    return statement


def get_own_statement(user, statement_id, *, lock=False):
    """A statement the user wrote in their current couple; 404 for anyone else
    (the partner included: only the author edits, retires or answers)."""
    statement = get_statement_for_member(user, statement_id, lock=lock)
    if statement.author_id != user.pk:
        raise Http404("No such statement.")
    return statement


def get_partner_statement(user, statement_id, *, lock=False):
    """A current statement written by the user's partner (to mark heard or ask
    about); 404 for the author and everyone else."""
    statement = get_statement_for_member(user, statement_id, lock=lock)
    if statement.author_id == user.pk or statement.is_retired:
        raise Http404("No such statement.")
    return statement


def get_question_for_author(user, question_id, *, lock=False):
    """A question asked about one of the user's current statements; 404 otherwise."""
    space = get_space_for_member(user)
    queryset = StatementQuestion.objects.select_related("statement")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    question = queryset.filter(
        pk=question_id,
        statement__author=user,
        statement__couple=space.couple,
        statement__retired_at__isnull=True,
    ).first()
    if question is None:
        raise Http404("No such question.")
    return question


def get_own_reflection(user, reflection_id):
    """A private reflection for its author only; 404 for everyone else, partner
    included (a reflection is never couple-scoped)."""
    if not user.is_authenticated:
        raise Http404("No such reflection.")
    reflection = Reflection.objects.filter(author=user, pk=reflection_id).first()
    if reflection is None:
        raise Http404("No such reflection.")
    return reflection


def own_reflections(user):
    """The person's own reflections, newest first (nobody else's, ever)."""
    if not user.is_authenticated:
        return Reflection.objects.none()
    return Reflection.objects.filter(author=user)


def visible_timing_grids(space):
    """The timing grids this person may see: their own and their partner's, both
    as shared in the *current* couple. One query, whatever the grids hold.

    Returns ``(mine, partner's)``; either is ``None`` when not filled yet.
    """
    grids = {
        grid.author_id: grid
        for grid in TimingGrid.objects.filter(
            couple=space.couple, author_id__in=[space.me.pk, space.partner.pk]
        )
    }
    return grids.get(space.me.pk), grids.get(space.partner.pk)


def get_therapy_session_for_member(user, session_id):
    """A therapy session of the user's *current* couple; 404 for everyone else
    (outsiders, and both former partners once the couple is dissolved)."""
    space = get_space_for_member(user)
    session = TherapySession.objects.filter(pk=session_id, couple=space.couple).first()
    if session is None:
        raise Http404("No such session.")
    return space, session


def get_agenda_topic_for_member(user, topic_id):
    """An agenda topic of a session of the user's current couple; 404 otherwise."""
    space = get_space_for_member(user)
    topic = (
        AgendaTopic.objects.filter(pk=topic_id, session__couple=space.couple)
        .select_related("session")
        .first()
    )
    if topic is None:
        raise Http404("No such topic.")
    return space, topic


def get_alternative_for_member(user, activity_id):
    """An activity the user's current couple can see, with the space; 404 otherwise.

    Catalogue activities are visible to every linked person; a proposal only to
    the couple it was proposed in. The 404 never says which case applied.
    """
    from .models import AlternativeActivity

    space = get_space_for_member(user)
    try:
        activity = AlternativeActivity.objects.for_couple(space.couple).get(pk=activity_id)
    except (AlternativeActivity.DoesNotExist, ValueError, TypeError):
        raise Http404("No such activity.") from None
    return space, activity
