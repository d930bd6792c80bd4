"""Each person's own time zone (issue 15 item 8, issue 14 item 5): days, parts of
day, "today", session dates, invite expiries and the moment's windows are the
person's own, whoever renders them (their request, the writer rendering a live
frame for each member, a mail); partners in different zones each see their own."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.timezones import offset_label, place_name, same_clock, time_zone_choices
from couples.domain.overlap import CELLS, DAYS, PARTS, index
from couples.models import Ask, AskAnswer, Invite, RainCheck
from couples.parts import render_for_members
from couples.services import linking, moment, statements, therapy, timing
from tests.factories import PASSWORD, space_of

pytestmark = pytest.mark.django_db

HONOLULU = ZoneInfo("Pacific/Honolulu")  # -10:00 all year: a local evening is the next day in UTC
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# +14:00 and -11:00, all year: their dates always differ, whenever the test runs.
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")
PAGO_PAGO = ZoneInfo("Pacific/Pago_Pago")


def _in_zone(person, zone: ZoneInfo):
    person.time_zone = zone.key
    person.save(update_fields=["time_zone"])
    return person


def _visible_text(html: str) -> str:
    """What a person reads: no tags, no attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _week(**levels) -> str:
    cells = ["-"] * CELLS
    days = [key for key, _n, _s in DAYS]
    parts = [key for key, _n, _s in PARTS]
    for name, level in levels.items():
        day, _, part = name.partition("_")
        cells[index(days.index(day), parts.index(part))] = level
    return "".join(cells)


def _last_weekday(zone: ZoneInfo, weekday: int, weeks_ago: int = 0) -> datetime.date:
    today = timezone.localdate(timezone=zone)
    last = today - datetime.timedelta(days=(today.weekday() - weekday) % 7 or 7)
    return last - datetime.timedelta(weeks=weeks_ago)


# --- the field, the choices, the middleware ------------------------------------------


def test_timezone_new_and_existing_people_default_to_the_servers_zone(settings):
    person = get_user_model().objects.create_user("tz-default@example.com", PASSWORD)
    assert person.time_zone == settings.TIME_ZONE


def test_timezone_choices_group_places_and_name_no_abbreviation():
    now = datetime.datetime(2026, 12, 3, 12, tzinfo=datetime.UTC)
    groups = dict(time_zone_choices("UTC", now))
    assert list(groups)[:3] == ["Other", "Africa", "America"]
    pacific = dict(groups["Pacific"])
    assert pacific["Pacific/Auckland"] == "Auckland, +13:00"
    assert dict(groups["America"])["America/Los_Angeles"] == "Los Angeles, \N{MINUS SIGN}08:00"
    assert dict(groups["America"])["America/Argentina/Buenos_Aires"].startswith(
        "Buenos Aires (Argentina)"
    )
    assert dict(groups["Other"]) == {"UTC": "Universal time (no daylight saving), +00:00"}
    every_label = [label for _g, options in groups.items() for _v, label in options]
    assert not any("UTC" in label or "GMT" in label for label in every_label)
    assert offset_label("Asia/Kolkata", now) == "+05:30"
    assert place_name("Europe/Berlin") == "Berlin"


def test_timezone_same_clock_compares_what_the_clocks_read():
    now = datetime.datetime(2026, 12, 3, 12, tzinfo=datetime.UTC)
    assert same_clock(ZoneInfo("Europe/Paris"), ZoneInfo("Europe/Berlin"), now)
    assert not same_clock(AUCKLAND, LOS_ANGELES, now)
    # Same offset in December, not in June (Brisbane keeps no summer time).
    assert not same_clock(ZoneInfo("Australia/Sydney"), ZoneInfo("Australia/Brisbane"), now)


def test_timezone_middleware_makes_the_persons_zone_current(make_client, alice):
    _in_zone(alice, AUCKLAND)
    page = make_client(alice).get("/accounts/profile/").content.decode()
    now_there = timezone.localtime(timezone=AUCKLAND)
    assert "Your time zone: <strong>Auckland</strong>" in page
    assert f'datetime="{now_there:%Y-%m-%dT%H:}' in page  # the page's own clock is Auckland's
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaks past the request


# --- signing up, changing it ----------------------------------------------------------


def _signup(client, email, **extra):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "display_name": "Someone",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def test_timezone_signup_stores_the_zone_the_browser_detected(anon_client):
    page = anon_client.get("/accounts/signup/").content.decode()
    assert re.search(r'<input type="hidden" name="time_zone"[^>]*data-detect-time-zone', page)
    assert "/static/js/timezone.js" in page
    response = _signup(anon_client, "tz-new@example.com", time_zone="Pacific/Auckland")
    assert response.status_code == 302
    assert get_user_model().objects.get(email="tz-new@example.com").time_zone == "Pacific/Auckland"


@pytest.mark.parametrize("sent", ["", "Mars/Olympus_Mons", "x" * 300])
def test_timezone_signup_without_a_known_zone_gets_the_servers(make_client, settings, sent):
    response = _signup(make_client(), "tz-none@example.com", time_zone=sent)
    assert response.status_code == 302  # a hidden field is never the person's mistake
    assert get_user_model().objects.get(email="tz-none@example.com").time_zone == (
        settings.TIME_ZONE
    )


def test_timezone_profile_changes_the_zone(make_client, alice):
    client = make_client(alice)
    page = client.get("/accounts/profile/").content.decode()
    assert '<select name="time_zone"' in page and '<optgroup label="Pacific">' in page
    assert '<option value="Pacific/Auckland">Auckland, +' in page
    response = client.post(
        "/accounts/profile/", {"display_name": "Alice", "time_zone": "America/Los_Angeles"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.time_zone == "America/Los_Angeles"
    page = client.get("/accounts/profile/").content.decode()
    assert "Saved. Times are now shown as in Los Angeles." in page
    assert '<option value="America/Los_Angeles" selected>' in page


@pytest.mark.parametrize("sent", ["Mars/Olympus_Mons", "<b>Europe/Paris</b>", "x" * 300])
def test_timezone_profile_refuses_an_unknown_zone_clearly(make_client, alice, sent):
    client = make_client(alice)
    response = client.post(
        "/accounts/profile/", {"display_name": "Alicia", "time_zone": sent}, htmx=True
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "is not a time zone we know. Please pick yours from the list." in page
    assert "<b>" not in page
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone) == ("Alice", "UTC")  # nothing half-saved


def test_timezone_profile_without_a_zone_keeps_it(make_client, alice):
    _in_zone(alice, AUCKLAND)
    response = make_client(alice).post("/accounts/profile/", {"display_name": "Alicia"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone) == ("Alicia", "Pacific/Auckland")


# --- My patterns (issue 14 item 5) ------------------------------------------------------


def test_timezone_patterns_put_a_not_now_in_the_decliners_own_cell(make_client, alice, bob, couple):
    """bob lives in Honolulu: his Tuesday evenings are Wednesday mornings in UTC."""
    _in_zone(bob, HONOLULU)
    statement = statements.add_statement(
        space=space_of(bob),
        reason="tired",
        meaning="Tz-bob-meaning",
        not_meaning="Not that I don't want you.",
        reassurance="I love you.",
    )
    timing.save_timing(
        space=space_of(bob), cells=_week(tue_evening="u"), notes="", expected_version=0
    )
    for weeks_ago in (3, 2, 1):
        tuesday = _last_weekday(HONOLULU, 1, weeks_ago)
        at = datetime.datetime.combine(tuesday, datetime.time(19, 30), tzinfo=HONOLULU)
        assert at.astimezone(datetime.UTC).weekday() == 2  # Wednesday, early, in UTC
        item = moment.ask(space=space_of(alice), kind="closeness", when="now")
        card = moment.clean_card(space_of(bob), statement_id=statement.pk)
        answer = moment.decline(space=space_of(bob), ask_id=item.pk, card=card)
        Ask.objects.filter(pk=item.pk).update(created_at=at - datetime.timedelta(minutes=5))
        AskAnswer.objects.filter(pk=answer.pk).update(created_at=at)

    page = make_client(bob).get("/patterns/").content.decode()
    assert "<title>Tuesday, evening: 3</title>" in page
    assert not re.search(r"<title>Wednesday, early: [1-9]", page)
    assert (
        "You marked Tuesday evenings usually open; 3 of your last 3 not-nows were on "
        "Tuesday evenings" in page
    )
    # alice (in UTC) asked on what were, for her, Wednesday mornings: her own cell.
    alices = make_client(alice).get("/patterns/").content.decode()
    assert "Tuesday evening" not in alices and "Wednesday" in alices


# --- therapy: session dates and "today" -------------------------------------------------


def test_timezone_sessions_today_is_each_partners_own(make_client, alice, bob, couple):
    _in_zone(alice, PAGO_PAGO)
    _in_zone(bob, KIRITIMATI)
    her_today = timezone.localdate(timezone=PAGO_PAGO)
    assert timezone.localdate(timezone=KIRITIMATI) > her_today
    session = therapy.plan_session(space=space_of(alice), planned_for=her_today)
    label = f"{her_today:%A} {her_today.day} {her_today:%B %Y}"

    def lists(person):
        page = make_client(person).get("/therapy/sessions/").content.decode()
        upcoming, _, earlier = page.partition("Earlier")
        return upcoming, earlier

    upcoming, _earlier = lists(alice)
    assert label in upcoming  # today, for her: still ahead
    upcoming, earlier = lists(bob)
    assert label not in upcoming and label in earlier  # already yesterday (or before) for him
    assert session.pk


def test_timezone_live_therapy_frames_pick_each_members_next_session(alice, bob, couple):
    """The writer renders one frame per member: each member's "next session"
    from their own today, from one load of the rows."""
    _in_zone(alice, PAGO_PAGO)
    _in_zone(bob, KIRITIMATI)
    her_today = timezone.localdate(timezone=PAGO_PAGO)
    his_today = timezone.localdate(timezone=KIRITIMATI)
    therapy.plan_session(space=space_of(alice), planned_for=her_today)
    later = therapy.plan_session(space=space_of(alice), planned_for=his_today)
    space = space_of(alice)
    frames = render_for_members(["therapy"], space, csrf_placeholder="csrf-x")

    def next_session(html):
        return re.search(r'id="upcoming-session-link">Session on ([^<]+)</a>', html).group(1)

    assert next_session(frames[alice.pk]) == f"{her_today:%A} {her_today.day} {her_today:%B %Y}"
    assert next_session(frames[bob.pk]) == f"{his_today:%A} {his_today.day} {his_today:%B %Y}"
    assert later.planned_for == his_today


# --- invites -------------------------------------------------------------------------------


def test_timezone_invite_expiry_shows_in_the_inviters_zone(make_client, alice):
    _in_zone(alice, AUCKLAND)
    invite, _code = linking.create_invite(creator=alice)
    expires = Invite.objects.get(pk=invite.pk).expires_at.astimezone(AUCKLAND)
    page = make_client(alice).get("/").content.decode()
    shown = re.search(r'valid until <time datetime="([^"]+)">([^<]+)</time>\.', page)
    assert datetime.datetime.fromisoformat(shown.group(1)).utcoffset() == expires.utcoffset()
    assert shown.group(2) == f"{expires.day} {expires:%b %Y, %H:%M}"
    assert "UTC" not in _visible_text(page)


# --- the moment: whose clock ---------------------------------------------------------------


def test_timezone_tonight_ends_on_the_askers_own_clock(alice, bob, couple):
    _in_zone(bob, LOS_ANGELES)
    item = moment.ask(space=space_of(bob), kind="closeness", when="tonight")
    ends = item.ends_at.astimezone(LOS_ANGELES)
    assert (ends.hour, ends.minute) == (4, 0)  # 4 a.m. in Los Angeles, not in UTC
    _in_zone(alice, AUCKLAND)
    other = moment.ask(space=space_of(alice), kind="closeness", when="tonight")
    assert other.ends_at.astimezone(AUCKLAND).hour == 4


def test_timezone_a_slot_is_ahead_on_the_askers_clock(alice, bob, couple):
    """Late tonight in Auckland may already be over in UTC's today, or not begun."""
    _in_zone(bob, AUCKLAND)
    now_there = timezone.localtime(timezone=AUCKLAND)
    tomorrow = now_there.date() + datetime.timedelta(days=1)
    item = moment.ask(
        space=space_of(bob), kind="closeness", when="slot", slot=f"{tomorrow}:evening"
    )
    ends = item.ends_at.astimezone(AUCKLAND)
    assert (ends.date(), ends.hour) == (tomorrow, 21)


def test_timezone_partners_in_different_zones_each_see_their_own(alice, bob, couple):
    """bob (Los Angeles) offers a rain check for his Saturday morning: he reads
    it plainly, alice (Auckland) reads it as his time. Each frame in its own zone."""
    _in_zone(alice, AUCKLAND)
    _in_zone(bob, LOS_ANGELES)
    item = moment.ask(space=space_of(alice), kind="closeness", when="tonight")
    his_now = timezone.localtime(timezone=LOS_ANGELES)
    day = his_now.date() + datetime.timedelta(days=2)
    card = moment.clean_card(space_of(bob), rain_check=f"{day}:morning")
    moment.decline(space=space_of(bob), ask_id=item.pk, card=card)
    rain_check = RainCheck.objects.get()
    assert (rain_check.day, rain_check.part_of_day) == (day, "morning")
    again = moment.ask(space=space_of(alice), kind="closeness", when="tonight")

    frames = render_for_members(["moment", "timing"], space_of(alice), csrf_placeholder="x")
    his, hers = frames[bob.pk], frames[alice.pk]
    weekday = f"{day:%A}"
    assert f"{weekday} morning" in his and "Bob’s time" not in his
    assert f"{weekday} morning (Bob’s time)" in hers
    # The ask's "tonight" is alice's own, said so on bob's screen.
    assert "would love closeness, tonight (Alice’s time)" in his
    assert "You asked for closeness, tonight." in hers
    # The weeks: each its owner's local time, said once to both.
    for frame in (his, hers):
        assert 'id="timing-zones"' in frame and "are in different time zones" in frame
        # Never where the partner is: their place is theirs.
        assert "Auckland" not in frame and "Los Angeles" not in frame
    # Each frame's own clock: the ask's end, in the viewer's offset.
    assert f'data-ends-at="{again.ends_at.astimezone(AUCKLAND).isoformat()}"' in hers
    assert f'data-ends-at="{again.ends_at.astimezone(LOS_ANGELES).isoformat()}"' in his


def test_timezone_decline_preview_shows_the_rain_check_as_the_asker_will(
    make_client, alice, bob, couple
):
    _in_zone(alice, AUCKLAND)
    _in_zone(bob, LOS_ANGELES)
    item = moment.ask(space=space_of(alice), kind="closeness", when="now")
    day = timezone.localdate(timezone=LOS_ANGELES) + datetime.timedelta(days=3)
    form = {"acknowledgement": "Thank you.", "rain_check": f"{day}:morning"}
    client = make_client(bob)
    page = client.post(f"/moment/asks/{item.pk}/decline/", {**form, "action": "preview"})
    assert page.status_code == 200
    assert f"{day:%A} morning (Bob’s time)" in page.content.decode()
    client.post(f"/moment/asks/{item.pk}/decline/", {**form, "action": "send"})
    assert f"{day:%A} morning (Bob’s time)" in make_client(alice).get("/").content.decode()


def test_timezone_partners_on_one_clock_see_no_note(alice, bob, couple):
    _in_zone(alice, ZoneInfo("Europe/Paris"))
    _in_zone(bob, ZoneInfo("Europe/Berlin"))
    frames = render_for_members(["timing"], space_of(alice), csrf_placeholder="x")
    assert not any('id="timing-zones"' in frame for frame in frames.values())


def test_timezone_changing_mine_reaches_my_partners_screen(alice, bob, couple, sent, run):
    """A new zone is a profile change: both screens are rendered anew, each
    in its own zone, and now say that the two clocks differ."""
    from accounts.services import update_profile

    run(update_profile, user=alice, display_name="Alice", time_zone="Pacific/Auckland")
    assert [group for group, _event in sent] == [f"user.{alice.pk}", f"user.{bob.pk}"]
    alices, bobs = (event["html"] for _group, event in sent)
    for frame in (alices, bobs):
        assert 'id="timing-zones"' in frame and "Auckland" not in frame


# --- no "UTC" anywhere a person reads ---------------------------------------------------------


def test_timezone_no_utc_in_what_people_read(make_client, alice, bob, couple):
    """The server's zone is UTC here; nothing a person reads says so."""
    statement = statements.add_statement(
        space=space_of(alice),
        reason="tired",
        meaning="m",
        not_meaning="n",
        reassurance="r",
    )
    session = therapy.plan_session(space=space_of(alice), planned_for=timezone.localdate())
    client = make_client(alice)
    for path in (
        "/",
        "/accounts/profile/",
        f"/statements/{statement.pk}/history/",
        "/patterns/",
        "/therapy/sessions/",
        f"/therapy/{session.pk}/",
        f"/therapy/{session.pk}/brief/",
    ):
        page = client.get(path).content.decode()
        assert "UTC" not in _visible_text(page), path
