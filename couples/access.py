"""Who may see what, and the reads built on it: the one place that answers it.

Views, parts, services, the brief and the socket all ask here. A helper
returns the thing for a member and raises ``NotFound`` (Django's 404) for
everyone else, so a stranger cannot tell a foreign object from a missing one.
Shared things are looked up inside a ``Space`` (the person's current couple and
partner, resolved once per request by ``couples.http.space_required``).
"""

import datetime
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from accounts.timezones import zone_of

from .domain.errors import NotFound
from .models import (
    AgendaTopic,
    AlternativeActivity,
    AlternativeAnswer,
    Ask,
    AskAnswer,
    Couple,
    Membership,
    PatternSharing,
    RainCheck,
    Reflection,
    Statement,
    StatementQuestion,
    TherapySession,
    TimingGrid,
)
from .models.linking import Invite

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Space:
    """What one signed-in person shares right now: their couple and partner."""

    me: "User"
    couple: Couple
    partner: "User"

    @property
    def people(self) -> tuple:
        return (self.me, self.partner)

    def seen_by(self, person) -> "Space":
        """The same couple through the other partner's eyes."""
        if person.pk == self.me.pk:
            return self
        if person.pk != self.partner.pk:
            raise ValueError("not a member of this couple")
        return Space(me=self.partner, couple=self.couple, partner=self.me)


@functools.cache
def _space_sql(by: str = "user"):
    """The SQL of ``_current_rows`` (``by`` a member's user id, or ``"couple"``
    id) and the fields its columns fill, in order."""
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
        f" WHERE me.{'user_id' if by == 'user' else 'couple_id'} = %s AND me.left_at IS NULL"
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


def _current_rows(key: int, by: str = "user") -> tuple:
    """The person's (or, ``by="couple"``, the couple's) couple and both current
    members, in one query; ``(couple, {user_id: person})`` or ``(None, {})``
    when not linked (or ended).

    Hand-written SQL, because this runs on every request, save and socket event,
    and the ORM spent ~1.5 ms building it each time; columns come from the
    models' own fields, and values go through the ORM's converters."""
    sql, User, couple_fields, user_fields = _space_sql(by)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
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


def _space_from(user_id: int, me=None) -> Space | None:
    couple, people = _current_rows(user_id)
    mine = people.pop(user_id, None)
    partner = next(iter(people.values()), None)
    if couple is None or mine is None or partner is None:
        return None
    return Space(me=me or mine, couple=couple, partner=partner)


def current_space(user) -> Space | None:
    """The user's current couple and partner, or ``None`` when not linked."""
    if not user.is_authenticated:
        return None
    return _space_from(user.pk, me=user)


def person_and_space(user_id: int) -> tuple:
    """``(person, space)`` read fresh from the database: the person's row comes
    with their couple's when they are linked (one query), else on its own.
    ``(None, None)`` when the person no longer exists."""
    space = _space_from(user_id)
    if space is not None:
        return space.me, space
    return get_user_model().objects.filter(pk=user_id).first(), None


def space_for_couple(couple_id: int) -> Space | None:
    """The couple as its first current member sees it (``seen_by`` turns it
    round), read fresh; ``None`` once the couple has ended. Used after commit,
    to decide who receives a change from the rows just committed. One query."""
    couple, people = _current_rows(couple_id, by="couple")
    if couple is None or len(people) != 2:
        return None
    first, second = sorted(people)
    return Space(me=people[first], couple=couple, partner=people[second])


def get_space_for_member(user) -> Space:
    """The user's current space; 404 for anyone who is not in a couple."""
    space = current_space(user)
    if space is None:
        raise NotFound("Not linked.")
    return space


# --- "What my no means" statements -------------------------------------------


def statements_shared_in(space: Space) -> QuerySet:
    """Statements both people of ``space`` may see: written in their current
    couple by one of them, and not retired (retiring withdraws a statement)."""
    return Statement.objects.current().filter(
        couple=space.couple, author_id__in=[space.me.pk, space.partner.pk]
    )


def get_statement_for_member(space: Space, statement_id, *, lock: bool = False) -> Statement:
    """A statement the person may read: any shared statement of their current
    couple, plus their own retired ones (the author keeps their history).
    404 for everyone and everything else."""
    queryset = Statement.objects.filter(couple=space.couple).select_related("author")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    statement = queryset.filter(pk=statement_id).first()
    if statement is None or statement.author_id not in (space.me.pk, space.partner.pk):
        raise NotFound("No such statement.")
    if statement.is_retired and statement.author_id != space.me.pk:
        raise NotFound("No such statement.")
    return statement


def get_own_statement(space: Space, statement_id, *, lock: bool = False) -> Statement:
    """A statement the person wrote in their current couple; 404 for anyone else
    (the partner included: only the author edits, retires or answers)."""
    statement = get_statement_for_member(space, statement_id, lock=lock)
    if statement.author_id != space.me.pk:
        raise NotFound("No such statement.")
    return statement


def get_partner_statement(space: Space, statement_id, *, lock: bool = False) -> Statement:
    """A current statement written by the person's partner (to mark heard or
    ask about); 404 for the author and everyone else."""
    statement = get_statement_for_member(space, statement_id, lock=lock)
    if statement.author_id == space.me.pk or statement.is_retired:
        raise NotFound("No such statement.")
    return statement


def get_question_for_author(space: Space, question_id, *, lock: bool = False) -> StatementQuestion:
    """A question asked about one of the person's current statements; 404 otherwise."""
    queryset = StatementQuestion.objects.select_related("statement")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    question = queryset.filter(
        pk=question_id,
        statement__author=space.me,
        statement__couple=space.couple,
        statement__retired_at__isnull=True,
    ).first()
    if question is None:
        raise NotFound("No such question.")
    return question


def own_retired_statements(space: Space) -> QuerySet:
    """The person's own retired statements of this couple, latest first."""
    return Statement.objects.filter(
        author=space.me, couple=space.couple, retired_at__isnull=False
    ).order_by("-retired_at", "-pk")


# --- Private reflections -------------------------------------------------------


def get_own_reflection(user, reflection_id, *, lock: bool = False) -> Reflection:
    """A private reflection for its author only; 404 for everyone else, partner
    included (a reflection is never couple-scoped)."""
    if not user.is_authenticated:
        raise NotFound("No such reflection.")
    queryset = Reflection.objects.filter(author=user, pk=reflection_id)
    if lock:
        queryset = queryset.select_for_update()
    reflection = queryset.first()
    if reflection is None:
        raise NotFound("No such reflection.")
    return reflection


def own_reflections(user) -> QuerySet:
    """The person's own reflections, newest first (nobody else's, ever)."""
    if not user.is_authenticated:
        return Reflection.objects.none()
    return Reflection.objects.filter(author=user)


# --- Timing --------------------------------------------------------------------


def visible_timing_grids(space: Space) -> tuple:
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


# --- Therapy -------------------------------------------------------------------


def get_therapy_session_for_member(
    space: Space, session_id, *, lock: bool = False
) -> TherapySession:
    """A therapy session of the person's *current* couple; 404 for everyone else
    (outsiders, and both former partners once the couple is dissolved)."""
    queryset = TherapySession.objects.filter(pk=session_id, couple=space.couple)
    if lock:
        queryset = queryset.select_for_update()
    session = queryset.first()
    if session is None:
        raise NotFound("That session is not in your shared space.")
    return session


def get_agenda_topic_for_member(space: Space, topic_id) -> AgendaTopic:
    """An agenda topic of a session of the person's current couple; 404 otherwise."""
    topic = (
        AgendaTopic.objects.filter(pk=topic_id, session__couple=space.couple)
        .select_related("session")
        .first()
    )
    if topic is None:
        raise NotFound("That topic is not on your agenda any more.")
    return topic


def couple_sessions(space: Space) -> list:
    """The couple's sessions, latest day first."""
    return list(TherapySession.objects.for_couple(space.couple).order_by("-planned_for", "-pk"))


# --- Alternatives ----------------------------------------------------------------


def get_alternative_for_member(space: Space, activity_id) -> AlternativeActivity:
    """An activity the person's current couple can see; 404 otherwise.

    Catalogue activities are visible to every linked person; a proposal only to
    the couple it was proposed in. The 404 never says which case applied.
    """
    try:
        return AlternativeActivity.objects.for_couple(space.couple).get(pk=activity_id)
    except (AlternativeActivity.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such activity.") from None


def my_answer_rows(space: Space) -> list:
    """Every activity of the couple with the viewer's OWN answer ("" if none).

    One query. The partner's answers are never read here.
    """
    mine = AlternativeAnswer.objects.filter(
        activity=OuterRef("pk"), couple=space.couple, user=space.me
    ).values("answer")[:1]
    return list(
        AlternativeActivity.objects.for_couple(space.couple)
        .annotate(my_answer=Subquery(mine))
        .only("pk", "name", "catalogue_key", "position", "name_key")
    )


def agreed_activities(space: Space) -> list:
    """The shared list: activities both current partners said yes to. One query."""
    return list(AlternativeActivity.objects.agreed_in(space).only("pk", "name", "catalogue_key"))


# --- The moment: asks, answers, rain checks -------------------------------------------

# An answer stays on the asker's dashboard until they put it away, for a day at most.
ANSWER_SHOWN_FOR = datetime.timedelta(days=1)


def get_ask_for_member(space: Space, ask_id, *, lock: bool = False) -> Ask:
    """An ask made in the person's current couple, by either of them; 404 for
    anyone and anything else."""
    queryset = Ask.objects.filter(couple=space.couple, asker_id__in=[space.me.pk, space.partner.pk])
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=int(ask_id))
    except (Ask.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("No such ask.") from None


def get_own_rain_check(space: Space, rain_check_id, *, lock: bool = False) -> RainCheck:
    """A rain check the person offered in their current couple (in any state:
    the services say "already redeemed or let go"); 404 otherwise, the partner
    included: only its owner redeems, moves or lets it go."""
    queryset = RainCheck.objects.filter(couple=space.couple, owner=space.me)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=int(rain_check_id))
    except (RainCheck.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("No such rain check.") from None


def moment_rows(space: Space, now) -> dict:
    """What the moment part is built from, the same for either partner: the
    asks still open (one per person at most), for each of the two their latest
    answered ask not yet put away (never older ones: nothing is kept as a
    list) and the latest reply to an answer not yet put away, and the couple's
    open rain checks. Two queries."""
    people = [space.me.pk, space.partner.pk]
    asks = list(
        Ask.objects.filter(couple=space.couple, asker_id__in=people)
        .filter(
            Q(state=Ask.OPEN, ends_at__gt=now)
            | Q(
                Q(asker_done_at=None) | (~Q(reply="") & Q(answer__author_done_at=None)),
                state=Ask.ANSWERED,
                closed_at__gt=now - ANSWER_SHOWN_FOR,
            )
        )
        .select_related("activity", "answer", "answer__activity", "answer__topic")
        .order_by("-created_at", "-pk")
    )
    open_asks, answered, replied = {}, {}, {}
    for ask in asks:
        if ask.state == Ask.OPEN:
            open_asks.setdefault(ask.asker_id, ask)
            continue
        if ask.asker_done_at is None:
            answered.setdefault(ask.asker_id, ask)  # for the asker: the answer
        if ask.reply:
            replied.setdefault(ask.asker_id, ask)  # for the answerer: the reply
    rain_checks = list(
        RainCheck.objects.filter(
            couple=space.couple, owner_id__in=people, state=RainCheck.OPEN
        ).order_by(F("day").asc(nulls_last=True), "part_of_day", "created_at", "pk")
    )
    return {
        "open": open_asks,
        "answered": answered,
        "replied": replied,
        "rain_checks": rain_checks,
    }


def card_i_received(user, ask_id):
    """The decline card answering one of ``user``'s own asks in their current
    couple (to prefill their private journal), or ``None``."""
    space = current_space(user)
    if space is None:
        return None
    try:
        # Only the card still on their dashboard: a card put away is not kept
        # readable by its id (there is no history of declines).
        ask = Ask.objects.select_related("answer").get(
            pk=int(ask_id),
            couple=space.couple,
            asker=user,
            state=Ask.ANSWERED,
            asker_done_at=None,
            closed_at__gt=timezone.now() - ANSWER_SHOWN_FOR,
        )
    except (Ask.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    answer = getattr(ask, "answer", None)
    return answer if answer is not None and answer.kind == answer.NOT_NOW else None


def my_current_statements(space: Space) -> list:
    """The person's own current statements (what a decline card is built from)."""
    return list(
        Statement.objects.current()
        .filter(couple=space.couple, author=space.me)
        .order_by("-updated_at", "-pk")
    )


def next_open_session(space: Space) -> TherapySession | None:
    """The couple's next planned session (from ``space.me``'s own today), if any."""
    return (
        TherapySession.objects.for_couple(space.couple)
        .filter(planned_for__gte=timezone.localdate(timezone=zone_of(space.me)))
        .order_by("planned_for", "pk")
        .first()
    )


# --- My patterns (private: the viewer's own rows only) ------------------------------


def _local_when(field: str) -> dict:
    tz = timezone.get_current_timezone()
    return {"weekday": ExtractIsoWeekDay(field, tzinfo=tz), "hour": ExtractHour(field, tzinfo=tz)}


def my_pattern_rows(space: Space, latest: int = 5) -> dict:
    """What "My patterns" is built from: ONLY the viewer's own rows of their
    current couple. As the one who declines: my not-nows by local weekday and
    hour, by reason, my latest few, my rain checks by state. As the one who
    asks: my asks by local weekday and hour and by kind. Never my partner's
    answers to my asks (no query here reads them). Aggregates: six queries,
    whatever the numbers."""
    return pattern_rows(space.couple, space.me.pk, latest=latest)


def pattern_rows(couple: Couple, mine: int, latest: int = 5) -> dict:
    """``my_pattern_rows`` for one member ``mine`` of ``couple``. Only for
    that person's own page, or for the couple view once both chose to share
    (``shared_pattern_choices``)."""
    declined = AskAnswer.objects.filter(author_id=mine, kind=AskAnswer.NOT_NOW, ask__couple=couple)
    not_nows = declined.annotate(**_local_when("created_at"))
    asked = Ask.objects.filter(asker_id=mine, couple=couple)
    asks = asked.annotate(**_local_when("created_at"))
    return {
        "not_now_times": list(
            not_nows.values_list("weekday", "hour").annotate(n=Count("pk")).order_by()
        ),
        "not_now_reasons": dict(
            declined.values_list("statement__reason").annotate(n=Count("pk")).order_by()
        ),
        "latest_not_nows": list(
            not_nows.order_by("-created_at", "-pk").values_list(
                "weekday", "hour", "statement__reason"
            )[:latest]
        ),
        "rain_checks": dict(
            RainCheck.objects.filter(owner_id=mine, couple=couple)
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "ask_times": list(asks.values_list("weekday", "hour").annotate(n=Count("pk")).order_by()),
        "ask_kinds": dict(asked.values_list("kind").annotate(n=Count("pk")).order_by()),
    }


def my_journal_feelings(user, *, latest: int) -> list:
    """``(need, old_story, tags)`` of the person's own latest ``latest``
    reflections, for "how those moments felt" on their own patterns page only.
    The columns are encrypted at rest, so this cannot be a SQL aggregate: one
    query, bounded by ``latest``, decrypted and counted in Python."""
    return list(own_reflections(user).values_list("need", "old_story", "tags")[:latest])


def my_pattern_sharing(space: Space):
    """My own choice of what to share of my patterns (``None``: nothing)."""
    return PatternSharing.objects.filter(person=space.me, couple=space.couple).first()


def shared_pattern_choices(space: Space) -> dict | None:
    """Both partners' sharing choices, ``{person_id: PatternSharing}``, but only
    when BOTH chose to share; ``None`` otherwise (one query). The same for
    either partner: it never tells who has chosen while the other has not."""
    rows = {
        row.person_id: row
        for row in PatternSharing.objects.filter(
            couple=space.couple, person_id__in=[space.me.pk, space.partner.pk]
        )
    }
    if len(rows) < 2:
        return None
    return rows


# --- Linking ------------------------------------------------------------------------


def open_invite_for(user) -> Invite | None:
    return Invite.objects.open().filter(creator=user).first()
