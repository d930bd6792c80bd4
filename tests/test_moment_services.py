"""The moment's services: a gentle ask, its answers, the decline card, rain
checks — the rules the product keeps, and exactly which frames reach whom."""

import datetime
import html as html_lib
import re

import pytest
from django.utils import timezone

from couples import parts
from couples.access import moment_rows
from couples.domain.errors import Conflict, DomainError, Invalid, NotFound
from couples.domain.moment import Slot
from couples.models import AgendaTopic, AlternativeActivity, Ask, AskAnswer, RainCheck
from couples.services import alternatives, moment, statements, therapy
from tests.factories import space_of

pytestmark = pytest.mark.django_db

WORDS = {
    "reason": "tired",
    "meaning": "After a long shift my body is done.",
    "not_meaning": "It does not mean I don't want you.",
    "reassurance": "I love the way you hold me.",
}


@pytest.fixture(autouse=True)
def linked(couple):
    """alice and bob are a couple (carol, when asked for, is in another)."""
    return couple


@pytest.fixture
def massage(alice, bob):
    activity = AlternativeActivity.objects.get(catalogue_key="massage")
    for person in (alice, bob):
        alternatives.answer_activity(space=space_of(person), activity_id=activity.pk, answer="yes")
    return activity


def html_for(person) -> str:
    """The moment part as ``person`` sees it, as text (tags out, spaces collapsed)
    plus its markup's class names (``decline-card``)."""
    html = parts.PARTS["moment"].render(space_of(person), csrf_token="t")
    classes = " ".join(re.findall(r'class="([^"]*)"', html))
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split()) + " " + classes


def tomorrow_evening() -> str:
    return Slot(timezone.localdate() + datetime.timedelta(days=1), "evening").key


def a_card(space, **pieces):
    return moment.clean_card(space, **pieces)


def test_an_ask_reaches_both_partners_own_devices_and_no_one_else(alice, bob, carol, sent, run):
    run(moment.ask, space=space_of(alice), kind="closeness", words="Hug?")
    groups = sorted(group for group, event in sent if event.get("type") == "frame")
    assert groups == sorted([f"user.{alice.pk}", f"user.{bob.pk}"])
    assert all("moment" in event["parts"] for _group, event in sent)
    assert not any(str(carol.pk) in group.split(".")[-1] for group, _event in sent)
    assert "would love closeness" in html_for(bob)
    assert "You asked for closeness" in html_for(alice)


def test_one_open_ask_per_person_and_it_can_be_taken_back(alice, bob):
    first = moment.ask(space=space_of(alice), kind="closeness")
    with pytest.raises(Conflict, match="already have an open ask"):
        moment.ask(space=space_of(alice), kind="sex")
    # The partner may ask too: one each.
    moment.ask(space=space_of(bob), kind="closeness")
    moment.withdraw(space=space_of(alice), ask_id=first.pk)
    assert "Alice would love" not in html_for(bob)
    second = moment.ask(space=space_of(alice), kind="sex", when="tonight")
    assert second.state == Ask.OPEN
    with pytest.raises(Invalid):
        moment.withdraw(space=space_of(bob), ask_id=second.pk)  # only the asker takes it back


def test_an_ask_ends_quietly_at_the_end_of_its_window(alice, bob, sent, run):
    item = moment.ask(space=space_of(alice), kind="closeness")
    Ask.objects.filter(pk=item.pk).update(ends_at=timezone.now() - datetime.timedelta(seconds=1))
    sent.clear()
    assert "would love" not in html_for(bob)
    assert "You asked" not in html_for(alice)
    with pytest.raises(Conflict, match="ended"):
        moment.answer_yes(space=space_of(bob), ask_id=item.pk)
    # Nothing was pushed to anyone when it ended, and a new ask is welcome.
    assert sent == []
    run(moment.ask, space=space_of(alice), kind="closeness")
    assert Ask.objects.get(pk=item.pk).state == Ask.ENDED


def test_an_ask_for_a_slot_ends_with_that_part_of_the_day(alice):
    slot = tomorrow_evening()
    item = moment.ask(space=space_of(alice), kind="closeness", when="slot", slot=slot)
    assert timezone.localtime(item.ends_at).hour == 21
    assert item.day == timezone.localdate() + datetime.timedelta(days=1)
    past = Slot(timezone.localdate() - datetime.timedelta(days=1), "morning").key
    moment.withdraw(space=space_of(alice), ask_id=item.pk)
    with pytest.raises(Invalid, match="still ahead"):
        moment.ask(space=space_of(alice), kind="closeness", when="slot", slot=past)


def test_an_ask_for_an_alternative_must_be_one_we_both_said_yes_to(alice, bob, massage):
    cuddle = AlternativeActivity.objects.get(catalogue_key="cuddling")
    alternatives.answer_activity(space=space_of(alice), activity_id=cuddle.pk, answer="yes")
    with pytest.raises(Invalid, match="both said yes"):
        moment.ask(space=space_of(alice), kind="alternative", activity_id=cuddle.pk)
    item = moment.ask(space=space_of(alice), kind="alternative", activity_id=massage.pk)
    assert f"would love {massage.name.lower()}" in html_for(bob)
    assert item.activity == massage


def test_the_decline_card_is_drafted_from_the_decliners_own_statement(alice, bob):
    statement = statements.add_statement(space=space_of(bob), **WORDS)
    draft = moment.card_draft(space_of(bob), statement)
    assert draft["reason"] == WORDS["meaning"]
    assert draft["not_meaning"] == WORDS["not_meaning"]
    assert draft["love"] == WORDS["reassurance"]
    assert draft["acknowledgement"].startswith("Thank you for asking")
    # A statement of the partner's is not mine to build a card from.
    mine = statements.add_statement(space=space_of(alice), **WORDS)
    with pytest.raises(NotFound):
        a_card(space_of(bob), statement_id=mine.pk)


def test_decline_with_a_card_shows_the_asker_the_decliners_words_and_a_rain_check(
    alice, bob, massage
):
    item = moment.ask(space=space_of(alice), kind="sex", when="tonight")
    card = a_card(
        space_of(bob),
        acknowledgement="Thank you for asking — I love that you want me.",
        reason="Exhausted tonight.",
        not_meaning="Not that I find you less attractive.",
        activity_id=massage.pk,
        love="Your laugh.",
        rain_check=tomorrow_evening(),
        note_for_me=True,
    )
    answer = moment.decline(space=space_of(bob), ask_id=item.pk, card=card)
    assert answer.kind == AskAnswer.NOT_NOW and answer.author == bob
    rain_check = RainCheck.objects.get()
    assert rain_check.owner == bob and rain_check.note_for_me
    seen = html_for(alice)
    for words in ("Exhausted tonight.", "Not that I find you less attractive.", "Your laugh."):
        assert words in seen
    assert "Tomorrow evening" in seen and "offered by Bob" in seen
    assert f"Yes, {massage.name.lower()}" in seen
    # The decliner sees their own rain check, but not the card as received.
    theirs = html_for(bob)
    assert "offered by you" in theirs and "Not now — from" not in theirs


def test_decline_with_not_now_alone_is_a_complete_answer(alice, bob):
    item = moment.ask(space=space_of(alice), kind="closeness")
    moment.decline(space=space_of(bob), ask_id=item.pk, card=a_card(space_of(bob)))
    assert "Not now." in html_for(alice)
    assert RainCheck.objects.count() == 0


def test_the_asker_never_sees_a_count_or_list_of_declines(alice, bob):
    """Only the latest answer shows, until put away; asking again puts it away."""
    for n in range(3):
        item = moment.ask(space=space_of(alice), kind="closeness")
        card = a_card(space_of(bob), reason=f"Reason number {n}.")
        moment.decline(space=space_of(bob), ask_id=item.pk, card=card)
        seen = html_for(alice)
        assert f"Reason number {n}." in seen
        assert all(f"Reason number {k}." not in seen for k in range(n))
        assert seen.count("decline-card") == 1
    moment.reply(space=space_of(alice), ask_id=item.pk, reply="")
    assert "decline-card" not in html_for(alice)
    assert "Reason number" not in html_for(alice)


def test_an_unanswered_ask_is_neither_yes_nor_no(alice, bob):
    item = moment.ask(space=space_of(alice), kind="closeness")
    rows = moment_rows(space_of(alice), timezone.localtime())
    assert rows["answered"] == {}
    assert Ask.objects.get(pk=item.pk).state == Ask.OPEN
    assert not AskAnswer.objects.exists()
    assert "said yes" not in html_for(alice) and "Not now" not in html_for(alice)


def test_an_ask_answered_yes_to_something_else_or_lets_talk(alice, bob, massage):
    item = moment.ask(space=space_of(alice), kind="sex")
    moment.answer_something_else(space=space_of(bob), ask_id=item.pk, activity_id=massage.pk)
    assert "would love something else" in html_for(alice)
    item = moment.ask(space=space_of(alice), kind="sex")
    moment.answer_something_else(space=space_of(bob), ask_id=item.pk)
    assert "Just to be together" in html_for(alice)
    # Let's talk about it: with no session planned the words stay with the answer ...
    item = moment.ask(space=space_of(alice), kind="sex")
    moment.answer_talk(space=space_of(bob), ask_id=item.pk, text="How often we ask")
    assert AgendaTopic.objects.count() == 0
    assert "How often we ask" in html_for(alice)
    # ... and with one planned they go on its agenda (editable there).
    session = therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=4)
    )
    item = moment.ask(space=space_of(alice), kind="sex")
    moment.answer_talk(space=space_of(bob), ask_id=item.pk, text="Weeknights")
    topic = AgendaTopic.objects.get()
    assert topic.session == session and topic.text == "Weeknights" and topic.added_by == bob


def test_only_the_partner_answers_an_ask_and_only_once(alice, bob, carol):
    item = moment.ask(space=space_of(alice), kind="closeness")
    with pytest.raises(Invalid):
        moment.answer_yes(space=space_of(alice), ask_id=item.pk)
    with pytest.raises(NotFound):
        moment.answer_yes(space=space_of(carol), ask_id=item.pk)
    moment.answer_yes(space=space_of(bob), ask_id=item.pk)
    with pytest.raises(Conflict, match="already been answered"):
        moment.decline(space=space_of(bob), ask_id=item.pk, card=a_card(space_of(bob)))
    with pytest.raises(Conflict, match="already answered"):
        moment.withdraw(space=space_of(alice), ask_id=item.pk)


def test_a_rain_check_belongs_to_the_one_who_offered_it(alice, bob, sent, run):
    item = moment.ask(space=space_of(alice), kind="closeness")
    card = a_card(space_of(bob), rain_check="come")
    moment.decline(space=space_of(bob), ask_id=item.pk, card=card)
    rain_check = RainCheck.objects.get()
    for action in (
        lambda: moment.redeem(space=space_of(alice), rain_check_id=rain_check.pk),
        lambda: moment.let_go(space=space_of(alice), rain_check_id=rain_check.pk),
        lambda: moment.move_rain_check(
            space=space_of(alice), rain_check_id=rain_check.pk, rain_check="come"
        ),
    ):
        with pytest.raises(NotFound):
            action()
    moved = moment.move_rain_check(
        space=space_of(bob),
        rain_check_id=rain_check.pk,
        rain_check=tomorrow_evening(),
        version=rain_check.version,
    )
    assert "Tomorrow evening — offered by Bob" in html_for(alice)
    with pytest.raises(Conflict, match="another screen"):
        moment.move_rain_check(
            space=space_of(bob), rain_check_id=rain_check.pk, rain_check="come", version=1
        )
    sent.clear()
    redeemed = run(moment.redeem, space=space_of(bob), rain_check_id=moved.pk, words="Now?")
    assert redeemed.asker == bob and redeemed.from_rain_check_id == moved.pk
    assert {group for group, _e in sent} == {f"user.{alice.pk}", f"user.{bob.pk}"}
    assert "would love closeness" in html_for(alice) and "Rain checks" not in html_for(alice)
    with pytest.raises(Conflict, match="already redeemed"):
        moment.let_go(space=space_of(bob), rain_check_id=moved.pk)


def test_letting_a_rain_check_go_removes_it_from_both_screens(alice, bob):
    item = moment.ask(space=space_of(alice), kind="closeness")
    moment.decline(
        space=space_of(bob), ask_id=item.pk, card=a_card(space_of(bob), rain_check="come")
    )
    rain_check = RainCheck.objects.get()
    assert "come to you" in html_for(alice)
    moment.let_go(space=space_of(bob), rain_check_id=rain_check.pk)
    assert "come to you" not in html_for(alice) and "come to you" not in html_for(bob)


def test_a_rain_check_owners_private_note_shows_only_to_them_when_the_time_comes(alice, bob):
    item = moment.ask(space=space_of(alice), kind="closeness")
    slot = Slot(timezone.localdate() + datetime.timedelta(days=1), "morning")
    card = a_card(space_of(bob), rain_check=slot.key, note_for_me=True)
    moment.decline(space=space_of(bob), ask_id=item.pk, card=card)
    assert "Only you see this note" not in html_for(bob)
    # The time comes (its day is here and gone: it is still open until its owner acts).
    RainCheck.objects.update(day=timezone.localdate() - datetime.timedelta(days=1))
    assert "Only you see this note" in html_for(bob)
    assert "Only you see this note" not in html_for(alice)


def test_the_asker_can_take_the_offered_alternative_or_say_thanks(alice, bob, massage):
    item = moment.ask(space=space_of(alice), kind="sex")
    moment.decline(
        space=space_of(bob), ask_id=item.pk, card=a_card(space_of(bob), activity_id=massage.pk)
    )
    moment.reply(space=space_of(alice), ask_id=item.pk, reply="alternative")
    assert f"would love that: {massage.name}" in html_for(bob)
    assert "decline-card" not in html_for(alice)
    moment.put_away_reply(space=space_of(bob), ask_id=item.pk)
    assert "would love that" not in html_for(bob)
    item = moment.ask(space=space_of(alice), kind="sex")
    moment.decline(space=space_of(bob), ask_id=item.pk, card=a_card(space_of(bob)))
    with pytest.raises(Invalid, match="no alternative"):
        moment.reply(space=space_of(alice), ask_id=item.pk, reply="alternative")
    moment.reply(space=space_of(alice), ask_id=item.pk, reply="thanks")
    assert "says thank you" in html_for(bob)


def test_a_one_off_reason_belongs_to_the_decliner(alice, bob, django_user_model):
    item = moment.ask(space=space_of(alice), kind="closeness")
    moment.decline(
        space=space_of(bob), ask_id=item.pk, card=a_card(space_of(bob), reason="Only this once.")
    )
    answer = AskAnswer.objects.get()
    assert answer.author == bob
    bob.delete()
    assert not AskAnswer.objects.filter(reason="Only this once.").exists()
    assert Ask.objects.filter(pk=item.pk).exists()  # alice's ask stays hers


def test_after_unlink_an_old_ask_can_be_neither_answered_nor_made(alice, bob):
    from couples.services import linking

    mine, theirs = space_of(alice), space_of(bob)
    item = moment.ask(space=mine, kind="closeness")
    linking.unlink(user=bob)
    with pytest.raises(DomainError, match="no longer linked"):
        moment.answer_yes(space=theirs, ask_id=item.pk)
    with pytest.raises(DomainError, match="no longer linked"):
        moment.ask(space=mine, kind="sex")


def test_decline_and_lets_talk_frames_reach_exactly_the_two_partners(alice, bob, carol, sent, run):
    """A decline is one frame of the moment to each partner's own devices; let's
    talk about it with a session planned is two (the agenda and the moment).
    Nothing goes to a couple group, to carol, or out of order."""
    item = moment.ask(space=space_of(alice), kind="closeness")
    sent.clear()
    run(moment.decline, space=space_of(bob), ask_id=item.pk, card=a_card(space_of(bob)))
    frames = [(group, tuple(event["parts"])) for group, event in sent]
    assert sorted(frames) == sorted(
        [(f"user.{alice.pk}", ("moment",)), (f"user.{bob.pk}", ("moment",))]
    )
    therapy.plan_session(
        space=space_of(alice), planned_for=timezone.localdate() + datetime.timedelta(days=2)
    )
    item = moment.ask(space=space_of(alice), kind="closeness")
    sent.clear()
    run(moment.answer_talk, space=space_of(bob), ask_id=item.pk, text="Weeknights")
    frames = [(group, tuple(event["parts"])) for group, event in sent]
    assert sorted(frames) == sorted(
        [(f"user.{person.pk}", ("therapy", "moment")) for person in (alice, bob)]
    )
    seqs = [event["seq"] for _group, event in sent]
    assert len(set(seqs)) == 1  # one change, one sequence number, for both
