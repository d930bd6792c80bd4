"""The moment: a gentle ask, its answer, and rain checks. Every write here.

Rules the product keeps (../shared/DOMAIN.md, section 6):
- An ask is gentle and easy to take back: one open ask per person, withdrawn
  at any time, ending quietly at the end of its window. Nothing re-asks,
  reminds, or shows how long an ask has waited.
- An unanswered ask is neither a yes nor a no: only an answer answers it.
- A "not now" is a card in the decliner's own words (acknowledgement, the
  reason for now and what it does not mean, an alternative, what I love about
  you, a rain check they own); every piece optional beyond "not now".
- Rain checks belong to the one who offered them: only they redeem (it
  becomes a gentle ask from them), move or let go.
- Nothing is counted for the partner.

Every write locks the couple's row first, so two partners acting at once (both
answering, an ask withdrawn while it is answered, a rain check redeemed twice)
are serialised: one wins, the other gets a clear ``Conflict``. Every change is
pushed to both partners' dashboards (the ``moment`` part) after commit.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.timezones import zone_of
from realtime import broadcast

from ..access import (
    Space,
    agreed_activities,
    get_ask_for_member,
    get_own_rain_check,
    get_own_statement,
    next_open_session,
)
from ..domain import moment as words
from ..domain.errors import Conflict, DomainError, Invalid
from ..domain.moment import NOW, SLOT, TONIGHT, Slot, slot_is_ahead, window_end
from ..models import AgendaTopic, Ask, AskAnswer, AskFor, Couple, NoticeKind, RainCheck
from ..models.moment import ACKNOWLEDGEMENT_MAX, ASK_WORDS_MAX, CARD_TEXT_MAX, TALK_TEXT_MAX
from ..models.therapy import TOPIC_TEXT_MAX
from . import notifications

PART = "moment"


def _my_clock(space: Space):
    """Now on ``space.me``'s own clock: an ask's window ("tonight", a day and
    part of day) is the asker's, a rain check's time its owner's, whichever zone
    the request or the server runs in."""
    return timezone.localtime(timezone=zone_of(space.me))


def _lock_couple(space: Space) -> Couple:
    couple = Couple.objects.select_for_update().get(pk=space.couple.pk)
    if couple.dissolved_at is not None:
        raise DomainError(_("You are no longer linked, so there is no one to ask."))
    return couple


def _changed(couple: Couple) -> None:
    broadcast.part_changed(couple=couple, parts=[PART])


def _text(value, label: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise Invalid(
            _("“%(label)s” is %(length)d characters long; please keep it to %(limit)d.")
            % {"label": label, "length": len(value), "limit": limit}
        )
    return value


def _end_expired(couple: Couple, now) -> None:
    """Asks whose window has passed end quietly (nothing is told to anyone)."""
    Ask.objects.filter(couple=couple, state=Ask.OPEN, ends_at__lte=now).update(
        state=Ask.ENDED, closed_at=now
    )


def _agreed(space: Space, activity_id) -> object:
    """One of our agreed alternatives (both said yes), or ``Invalid``."""
    for activity in agreed_activities(space):
        if str(activity.pk) == str(activity_id):
            return activity
    raise Invalid(_("That is not one of the ways to be close you have both said yes to."))


def _window(when: str, slot_key: str, now):
    if when in {NOW, TONIGHT}:
        return window_end(when, now), None
    if when == SLOT:
        slot = Slot.parse(slot_key)
        if slot is None or not slot_is_ahead(slot, now):
            raise Invalid(_("Please pick a day and part of the day that is still ahead."))
        return window_end(SLOT, now, slot), slot
    raise Invalid(_("Please choose now, tonight, or a day and part of the day."))


# --- asking -----------------------------------------------------------------------


@transaction.atomic
def ask(
    *,
    space: Space,
    kind: str,
    when: str = NOW,
    slot: str = "",
    words: str = "",
    activity_id=None,
    rain_check_id=None,
) -> Ask:
    """A gentle ask from ``space.me`` to their partner. One open ask per person:
    a second one is refused kindly (withdraw the first to change it)."""
    if kind not in AskFor.values:
        raise Invalid(_("Please choose what you would like: closeness, sex, or one of your ways."))
    activity = _agreed(space, activity_id) if kind == AskFor.ALTERNATIVE else None
    text = _text(words, _("Your words"), ASK_WORDS_MAX)
    now = _my_clock(space)
    ends_at, chosen = _window(when, slot, now)
    couple = _lock_couple(space)
    _end_expired(couple, now)
    # An ask left open in a couple that has ended (unlink ends them; this is the
    # backstop) ends too: it can never be answered.
    Ask.objects.filter(asker=space.me, state=Ask.OPEN).exclude(couple=couple).update(
        state=Ask.ENDED, closed_at=now
    )
    if Ask.objects.filter(asker=space.me, state=Ask.OPEN).exists():
        raise Conflict(
            _(
                "You already have an open ask. "
                "You can take it back and ask again, whenever you like."
            )
        )
    rain_check = None
    if rain_check_id is not None:
        rain_check = get_own_rain_check(space, rain_check_id, lock=True)
        if rain_check.state != RainCheck.OPEN:
            raise Conflict(RAIN_CHECK_GONE)
        rain_check.state = RainCheck.REDEEMED
        rain_check.updated_at = now
        rain_check.save(update_fields=["state", "updated_at"])
    # Asking again puts the previous answer away (only the latest ever shows).
    Ask.objects.filter(asker=space.me, couple=couple, asker_done_at=None).exclude(
        state=Ask.OPEN
    ).update(asker_done_at=now)
    created = Ask.objects.create(
        couple=couple,
        asker=space.me,
        kind=kind,
        activity=activity,
        when=when,
        day=chosen.day if chosen else None,
        part_of_day=chosen.part if chosen else "",
        words=text,
        ends_at=ends_at,
        from_rain_check=rain_check,
        created_at=now,
    )
    _changed(couple)
    notifications.announce(
        kind=NoticeKind.ASK,
        person_id=space.partner.pk,
        about_id=created.pk,
        key=f"ask:{created.pk}",
    )
    return created


@transaction.atomic
def withdraw(*, space: Space, ask_id) -> Ask:
    """Take my ask back, at any time while it is open."""
    couple = _lock_couple(space)
    item = get_ask_for_member(space, ask_id, lock=True)
    if item.asker_id != space.me.pk:
        raise Invalid(_("Only the one who asked can take an ask back."))
    now = timezone.now()
    if item.state == Ask.ANSWERED:
        raise Conflict(f"{space.partner.display_name} has already answered: see below.")
    if item.state != Ask.OPEN or item.ends_at <= now:
        raise Conflict(_("This ask has already ended; there is nothing to take back."))
    item.state, item.closed_at, item.asker_done_at = Ask.WITHDRAWN, now, now
    item.save(update_fields=["state", "closed_at", "asker_done_at"])
    _changed(couple)
    return item


def answer_problem(space: Space, item: Ask, now) -> DomainError | None:
    """Why ``space.me`` cannot answer ``item`` now, or ``None``."""
    if item.asker_id == space.me.pk:
        return Invalid(_("This is your own ask: your partner answers it."))
    if item.state == Ask.ANSWERED:
        return Conflict(_("This ask has already been answered (perhaps on another device)."))
    if item.state == Ask.WITHDRAWN:
        return Conflict(f"{space.partner.display_name} took this ask back, so it needs no answer.")
    if item.state != Ask.OPEN or item.ends_at <= now:
        return Conflict(_("This ask has ended, so it needs no answer."))
    return None


def _open_partner_ask(space: Space, ask_id, now) -> Ask:
    """The partner's ask, still open, for ``space.me`` to answer (locked)."""
    item = get_ask_for_member(space, ask_id, lock=True)
    problem = answer_problem(space, item, now)
    if problem is not None:
        raise problem
    return item


def _close_answered(item: Ask, now) -> None:
    item.state, item.closed_at = Ask.ANSWERED, now
    item.save(update_fields=["state", "closed_at"])
    # Whatever the answer, the same notice: a notification never says no.
    notifications.announce(
        kind=NoticeKind.ANSWER, person_id=item.asker_id, about_id=item.pk, key=f"answer:{item.pk}"
    )


def _remind_owner(item: RainCheck) -> None:
    """The owner's own rain check, at its time (if they chose to hear of it)."""
    if item.day is None:
        return
    zone = zone_of(item.owner)
    notifications.announce(
        kind=NoticeKind.RAIN_CHECK,
        person_id=item.owner_id,
        about_id=item.pk,
        key=notifications.rain_check_key(item),
        due_at=Slot(item.day, item.part_of_day).starts(zone),
    )


@transaction.atomic
def answer_yes(*, space: Space, ask_id) -> AskAnswer:
    couple = _lock_couple(space)
    now = timezone.now()
    item = _open_partner_ask(space, ask_id, now)
    answer = AskAnswer.objects.create(ask=item, author=space.me, kind=AskAnswer.YES)
    _close_answered(item, now)
    _changed(couple)
    return answer


@transaction.atomic
def answer_something_else(*, space: Space, ask_id, activity_id=None) -> AskAnswer:
    """Yes to one of our agreed alternatives, or (no activity) to just being together."""
    couple = _lock_couple(space)
    now = timezone.now()
    item = _open_partner_ask(space, ask_id, now)
    activity = _agreed(space, activity_id) if activity_id not in (None, "") else None
    answer = AskAnswer.objects.create(
        ask=item,
        author=space.me,
        kind=AskAnswer.SOMETHING_ELSE,
        activity=activity,
        together=activity is None,
    )
    _close_answered(item, now)
    _changed(couple)
    return answer


@transaction.atomic
def answer_talk(*, space: Space, ask_id, text: str = "") -> AskAnswer:
    """Let's talk about it: a topic on the next session's agenda when one is
    planned (editable there), else kept with the answer as our own note."""
    text = _text(text, _("What to talk about"), min(TALK_TEXT_MAX, TOPIC_TEXT_MAX))
    couple = _lock_couple(space)
    now = timezone.now()
    item = _open_partner_ask(space, ask_id, now)
    text = text or str(words.TALK_TOPIC)  # saved in the words of the one who answered
    session = next_open_session(space)
    topic = None
    if session is not None:
        position = AgendaTopic.objects.filter(session=session).count() + 1
        topic = AgendaTopic.objects.create(
            session=session, couple=couple, added_by=space.me, text=text, position=position
        )
    answer = AskAnswer.objects.create(
        ask=item, author=space.me, kind=AskAnswer.TALK, topic=topic, talk_text=text
    )
    _close_answered(item, now)
    # One change, one frame: the agenda (when the topic went on it) and the moment.
    broadcast.part_changed(couple=couple, parts=["therapy", PART] if topic else [PART])
    return answer


# --- the decline card -------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """What the decliner's partner will see, exactly (the preview shows this)."""

    acknowledgement: str = ""
    statement_id: int | None = None
    reason: str = ""
    not_meaning: str = ""
    activity: object = None
    love: str = ""
    rain_check: str = ""  # "" none, "come" (I'll come to you), or a slot key
    note_for_me: bool = False

    @property
    def slot(self) -> Slot | None:
        return Slot.parse(self.rain_check) if self.rain_check not in {"", "come"} else None


def clean_card(
    space: Space,
    *,
    acknowledgement="",
    statement_id=None,
    reason="",
    not_meaning="",
    activity_id=None,
    love="",
    rain_check="",
    note_for_me=False,
) -> Card:
    """Check a card's pieces (all optional); ``Invalid`` names the first problem."""
    statement = None
    if statement_id not in (None, ""):
        statement = get_own_statement(space, statement_id)
        if statement.is_retired:
            raise Invalid(_("That statement is retired: pick a current one, or write it here."))
    activity = _agreed(space, activity_id) if activity_id not in (None, "") else None
    if rain_check not in {"", "come"}:
        slot = Slot.parse(rain_check)
        if slot is None or not slot_is_ahead(slot, _my_clock(space)):
            raise Invalid(
                _("Please offer a rain check that is still ahead, or “I’ll come to you”.")
            )
    return Card(
        acknowledgement=_text(acknowledgement, _("Acknowledgement"), ACKNOWLEDGEMENT_MAX),
        statement_id=statement.pk if statement else None,
        reason=_text(reason, _("The reason for now"), CARD_TEXT_MAX),
        not_meaning=_text(not_meaning, _("What it does not mean"), CARD_TEXT_MAX),
        activity=activity,
        love=_text(love, _("What I love about you"), CARD_TEXT_MAX),
        rain_check=rain_check,
        note_for_me=bool(note_for_me) and rain_check not in {"", "come"},
    )


def card_draft(space: Space, statement=None) -> dict:
    """The card as it starts, from what the decliner wrote in a calm moment:
    their (chosen or latest) current statement's meaning, what it does not
    mean and its reassurance, with the usual acknowledgement."""
    draft = {"acknowledgement": words.ACKNOWLEDGEMENT, "rain_check": ""}
    if statement is not None:
        draft.update(
            statement=str(statement.pk),
            reason=statement.meaning,
            not_meaning=statement.not_meaning,
            love=statement.reassurance,
        )
    return draft


@transaction.atomic
def decline(*, space: Space, ask_id, card: Card) -> AskAnswer:
    """Not now, with the card (already checked by ``clean_card``)."""
    couple = _lock_couple(space)
    now = timezone.now()
    item = _open_partner_ask(space, ask_id, now)
    answer = AskAnswer.objects.create(
        ask=item,
        author=space.me,
        kind=AskAnswer.NOT_NOW,
        acknowledgement=card.acknowledgement,
        statement_id=card.statement_id,
        reason=card.reason,
        not_meaning=card.not_meaning,
        activity=card.activity,
        love=card.love,
    )
    if card.rain_check:
        slot = card.slot
        _remind_owner(
            RainCheck.objects.create(
                couple=couple,
                owner=space.me,
                answer=answer,
                day=slot.day if slot else None,
                part_of_day=slot.part if slot else "",
                note_for_me=card.note_for_me,
            )
        )
    _close_answered(item, now)
    _changed(couple)
    return answer


# --- after the answer -------------------------------------------------------------


@transaction.atomic
def reply(*, space: Space, ask_id, reply: str) -> Ask:
    """The asker answers the answer: thank you, take the offered alternative,
    or (``""``) simply put it away. Only the first reply is kept."""
    if reply not in {"", Ask.THANKS, Ask.TOOK_ALTERNATIVE}:
        raise Invalid(_("Please choose thank you, the alternative, or close."))
    couple = _lock_couple(space)
    item = get_ask_for_member(space, ask_id, lock=True)
    if item.asker_id != space.me.pk or item.state != Ask.ANSWERED:
        raise Invalid(_("There is no answer of yours to reply to here."))
    answer = AskAnswer.objects.filter(ask=item).first()
    if reply == Ask.TOOK_ALTERNATIVE and (answer is None or answer.activity_id is None):
        raise Invalid(_("This answer offered no alternative to take."))
    now = timezone.now()
    fields = ["asker_done_at"]
    if reply and not item.reply:
        item.reply = reply
        fields.append("reply")
    item.asker_done_at = item.asker_done_at or now
    item.save(update_fields=fields)
    _changed(couple)
    return item


@transaction.atomic
def put_away_reply(*, space: Space, ask_id) -> None:
    """The answerer puts the asker's reply (thank you, the alternative taken) away."""
    couple = _lock_couple(space)
    item = get_ask_for_member(space, ask_id, lock=True)
    answer = AskAnswer.objects.select_for_update().filter(ask=item, author=space.me).first()
    if answer is None:
        raise Invalid(_("There is nothing of yours to put away here."))
    if answer.author_done_at is None:
        answer.author_done_at = timezone.now()
        answer.save(update_fields=["author_done_at"])
    _changed(couple)


# --- rain checks ------------------------------------------------------------------


RAIN_CHECK_GONE = gettext_lazy("This rain check was already redeemed or let go.")


def _open_own_rain_check(space: Space, rain_check_id, version=None) -> RainCheck:
    rain_check = get_own_rain_check(space, rain_check_id, lock=True)
    if rain_check.state != RainCheck.OPEN:
        raise Conflict(RAIN_CHECK_GONE)
    if version is not None and str(version) != str(rain_check.version):
        raise Conflict(_("This rain check changed on another screen; here it is as it is now."))
    return rain_check


@transaction.atomic
def redeem(*, space: Space, rain_check_id, kind: str = AskFor.CLOSENESS, words: str = "") -> Ask:
    """The owner redeems their rain check: it becomes a gentle ask from them, now."""
    return ask(space=space, kind=kind, when=NOW, words=words, rain_check_id=rain_check_id)


@transaction.atomic
def move_rain_check(*, space: Space, rain_check_id, rain_check: str, version=None) -> RainCheck:
    """Offer another time (a slot still ahead), or "I'll come to you"."""
    couple = _lock_couple(space)
    item = _open_own_rain_check(space, rain_check_id, version)
    slot = None
    if rain_check != "come":
        slot = Slot.parse(rain_check)
        if slot is None or not slot_is_ahead(slot, _my_clock(space)):
            raise Invalid(_("Please pick a time that is still ahead, or “I’ll come to you”."))
    item.day = slot.day if slot else None
    item.part_of_day = slot.part if slot else ""
    if slot is None:
        item.note_for_me = False
    item.version += 1
    item.updated_at = timezone.now()
    item.save(update_fields=["day", "part_of_day", "note_for_me", "version", "updated_at"])
    _remind_owner(item)
    _changed(couple)
    return item


@transaction.atomic
def let_go(*, space: Space, rain_check_id) -> RainCheck:
    """Let a rain check go: it leaves both screens."""
    couple = _lock_couple(space)
    item = _open_own_rain_check(space, rain_check_id)
    item.state, item.updated_at = RainCheck.LET_GO, timezone.now()
    item.save(update_fields=["state", "updated_at"])
    _changed(couple)
    return item
