"""Every page of the app, as a person sees it: the list the axe check
(tests/browser/test_axe_every_page.py) and the screenshots (scripts/screenshots)
walk.

The list is checked against the URL table (tests/security/url_table.py): every
row whose GET answers 200 for some role is either visited here (``PAGES``) or
named in ``NOT_PAGES`` with the reason it renders no page of its own.
``test_every_get_page_of_the_url_table_is_visited`` fails on a new row that is
neither, so a new page cannot be forgotten.

The space is the one ``manage.py demo_space`` makes (couples/demo.py), plus a
few things the demo leaves out so that every page has something to show:
alice's open ask (bob's "not now" card page), a rain check of alice's, a
retired statement, and carol, who is not linked yet (join, invite).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.urls import reverse

# Who visits: a signed-out visitor, the demo couple (alice, bob), carol (not linked).
ANONYMOUS, ALICE, BOB, CAROL = "anonymous", "alice", "bob", "carol"
PEOPLE = (ANONYMOUS, ALICE, BOB, CAROL)

# The two widths of issue 15: a phone and a laptop.
VIEWPORTS = {390: {"width": 390, "height": 844}, 1366: {"width": 1366, "height": 900}}


@dataclass(frozen=True)
class Page:
    name: str  # the screenshot's name: docs/screenshots/<name>-<width>.png
    row: str | None  # the URL table row it covers (tests/security/url_table.py)
    who: str
    title: str  # a few words for the screenshots' index
    kwargs: Callable = field(default=lambda objects: {})
    query: str = ""
    # Something to do on the page before it is checked (click to open a part).
    action: Callable | None = None
    status: int = 200
    raw_path: str = ""  # a page of no row (the error page)

    def path(self, objects):
        from tests.security.url_table import ROWS

        if self.raw_path:
            return self.raw_path
        row = next(row for row in ROWS if row.key == self.row)
        return reverse(row.url_name, kwargs=self.kwargs(objects)) + self.query


def _make_invite(page):
    from playwright.sync_api import expect

    if page.locator("#make-invite").count():
        page.locator("#make-invite").click()  # "Make an invite code"
    else:
        # An invite is open already (the other colour scheme made it): a new code is a
        # page away, on purpose (templates/couples/invite_replace.html).
        page.locator("#replace-invite-link").click()
        page.locator("#make-new-invite").click()
    expect(page.locator("#invite-code")).to_be_visible()
    # The picture shows the page at rest, not the pressed button under the pointer.
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement.blur()")


PAGES = [
    # --- Signed out ------------------------------------------------------------
    Page("login", "account_login", ANONYMOUS, "Log in"),
    Page("signup", "account_signup", ANONYMOUS, "Sign up"),
    Page("password-reset", "account_reset_password", ANONYMOUS, "Forgot your password"),
    Page(
        "password-reset-done",
        "account_reset_password_done",
        ANONYMOUS,
        "Password reset: mail sent",
    ),
    Page(
        "password-reset-bad-link",
        "account_reset_password_from_key",
        ANONYMOUS,
        "Password reset: a link that does not work",
        kwargs=lambda o: {"uidb36": "1", "key": "not-a-real-key"},
    ),
    Page(
        "password-reset-complete",
        "account_reset_password_from_key_done",
        ANONYMOUS,
        "Password reset: changed",
    ),
    Page(
        "verification-sent",
        "account_email_verification_sent",
        ANONYMOUS,
        "Sign up: confirm your address",
    ),
    Page(
        "confirm-email-bad-link",
        "account_confirm_email",
        ANONYMOUS,
        "Confirm address: a link that does not work",
        kwargs=lambda o: {"key": "not-a-real-key"},
    ),
    Page("account-inactive", "account_inactive", ANONYMOUS, "Account inactive"),
    Page("privacy", "privacy", ANONYMOUS, "Privacy (signed out)"),
    Page(
        "not-found",
        None,
        ANONYMOUS,
        "Page not found (the error page)",
        raw_path="/no-such-page/",
        status=404,
    ),
    # --- Not linked yet (carol) -------------------------------------------------
    Page("dashboard-unlinked", "dashboard", CAROL, "Home, not linked yet"),
    Page(
        "invite-code",
        "dashboard",
        CAROL,
        "Home, with a fresh invite code",
        action=_make_invite,
    ),
    Page("join", "join", CAROL, "Join your partner"),
    Page(
        "join-link",
        "join_link",
        CAROL,
        "Join from a link (code filled in)",
        kwargs=lambda o: {"code": "ABCD2345"},
    ),
    # --- The couple's space (alice, bob) ----------------------------------------
    Page("dashboard", "dashboard", ALICE, "Home: the shared space"),
    Page("dashboard-partner", "dashboard", BOB, "Home, as the partner with an ask open"),
    Page("statement-new", "statement_new", ALICE, "A new statement"),
    Page(
        "statement-edit",
        "statement_edit",
        ALICE,
        "Edit a statement",
        kwargs=lambda o: {"pk": o.statement.pk},
    ),
    Page(
        "statement-history",
        "statement_history",
        ALICE,
        "A statement's history",
        kwargs=lambda o: {"pk": o.statement.pk},
    ),
    Page(
        "statement-history-retired",
        "statement_history_retired",
        ALICE,
        "A retired statement's history",
        kwargs=lambda o: {"pk": o.retired_statement.pk},
    ),
    Page("statements-retired", "statements_retired", ALICE, "Retired statements"),
    Page("timing", "timing_edit", ALICE, "My week (timing)"),
    Page("alternatives", "alternatives", ALICE, "My answers (alternatives)"),
    Page("reflections", "reflections", ALICE, "My journal"),
    Page(
        "reflection",
        "reflection_detail",
        ALICE,
        "A reflection",
        kwargs=lambda o: {"reflection_id": o.reflection.pk},
    ),
    Page(
        "reflection-edit",
        "reflection_edit",
        ALICE,
        "Edit a reflection",
        kwargs=lambda o: {"reflection_id": o.reflection.pk},
    ),
    Page(
        "reflection-delete",
        "reflection_delete",
        ALICE,
        "Delete a reflection (confirm)",
        kwargs=lambda o: {"reflection_id": o.reflection.pk},
    ),
    Page(
        "confirm-password",
        "reauth_confirm",
        ALICE,
        "Confirm your password (before the journal)",
        query="?next=/reflections/",
    ),
    Page("homework", "homework", ALICE, "Homework between sessions"),
    Page("therapy-sessions", "therapy_sessions", ALICE, "Therapy sessions"),
    Page(
        "therapy-session",
        "therapy_session",
        ALICE,
        "A therapy session and its agenda",
        kwargs=lambda o: {"session_id": o.session.pk},
    ),
    Page(
        "therapy-brief",
        "therapy_brief",
        ALICE,
        "The brief for a session",
        kwargs=lambda o: {"session_id": o.session.pk},
    ),
    Page(
        "therapist-copy",
        "therapist_view",
        ANONYMOUS,
        "The therapist's copy (a read-only link, no account)",
        kwargs=lambda o: {"token": o.therapist_token},
    ),
    Page("patterns", "patterns", ALICE, "My patterns"),
    Page("pattern-sharing", "pattern_sharing", ALICE, "Share my patterns (with the preview)"),
    Page(
        "moment-decline",
        "moment_decline",
        BOB,
        "Not now, with a card (to alice's ask)",
        kwargs=lambda o: {"ask_id": o.ask.pk},
    ),
    Page(
        "rain-check-move",
        "moment_rain_check_move",
        ALICE,
        "Move a rain check",
        kwargs=lambda o: {"rain_check_id": o.rain_check.pk},
    ),
    Page("checkin", "checkin", ALICE, "This week's check-in"),
    Page("checkin-partner", "checkin", BOB, "This week's check-in, as the partner"),
    Page("checkin-past", "checkin_past", ALICE, "Past check-ins"),
    Page(
        "checkin-week",
        "checkin_week",
        ALICE,
        "A past week's check-in, to read",
        kwargs=lambda o: {"week": o.past_checkin.week_start.isoformat()},
    ),
    Page("privacy-signed-in", "privacy", ALICE, "Privacy (signed in)"),
    Page("notifications", "notifications", ALICE, "Notifications"),
    Page("offline", "offline", ANONYMOUS, "Offline (the installed app, no connection)"),
    # --- The account --------------------------------------------------------------
    Page("profile", "profile", ALICE, "Profile"),
    Page("account-export", "account_export", ALICE, "Export my words"),
    Page("account-delete", "account_delete", ALICE, "Delete my account"),
    Page("unlink", "unlink", ALICE, "Unlink"),
    Page("email", "account_email", ALICE, "Email addresses"),
    Page("password-change", "account_change_password", ALICE, "Change password"),
    Page("sessions", "usersessions_list", ALICE, "Where you are logged in"),
    # Bob: alice has a passkey, and with a second factor allauth's password page
    # forwards to the passkey page (accounts.adapter; issue 18, item 2).
    Page("reauthenticate", "account_reauthenticate", BOB, "Confirm it's you (allauth)"),
    Page("logout", "account_logout", ALICE, "Log out (confirm)"),
    Page("mfa", "mfa_index", ALICE, "Passkeys and a second step"),
    Page("passkeys", "mfa_list_webauthn", ALICE, "My passkeys"),
    Page(
        "passkey-confirm", "mfa_reauthenticate_webauthn", ALICE, "Confirm it's you with a passkey"
    ),
]

# URL-table rows whose GET answers 200 but renders no page a person reads.
NOT_PAGES = {
    "part": "a fragment of the dashboard (every part is on the dashboard pages)",
    "account_export_download": "a JSON file, not a page",
    "therapy_brief_pdf": "a PDF (its HTML twin is the therapy-brief page)",
    "therapist_pdf": "a PDF (its HTML twin is the therapist-copy page)",
    "health_live": "a plain-text answer for the load balancer",
    "health_ready": "a plain-text answer for the load balancer",
    "admin:login": "Django's admin (off unless ADMIN_PATH is set; staff only, not ours)",
    "service_worker": "a script (the installed app's service worker)",
    "manifest": "the web app manifest (JSON)",
}


def row_renders_a_page(row):
    return any(statuses.get("GET") == 200 for statuses in row.expect.values())


def uncovered_rows():
    """URL-table rows with a GET page that no entry of PAGES visits."""
    from tests.security.url_table import ROWS

    visited = {page.row for page in PAGES}
    return [
        row.key
        for row in ROWS
        if row_renders_a_page(row)
        and row.key not in visited
        and (row.pattern or row.key) not in NOT_PAGES
    ]


def furnish_every_page():
    """The demo space (``manage.py demo_space``) plus what the other pages need.
    Returns the objects the pages' URLs are built from."""
    from django.core.management import call_command
    from django.utils import timezone

    from couples.access import get_space_for_member as space_of
    from couples.demo import person
    from couples.models import Reflection, Statement, TherapySession
    from couples.services import moment, statements
    from tests.factories import PASSWORD

    call_command("demo_space", password=PASSWORD, stdout=open("/dev/null", "w"))  # noqa: SIM115
    alice = person("alice@example.com", "Alice", PASSWORD)
    bob = person("bob@example.com", "Bob", PASSWORD)
    carol = person("carol@example.com", "Carol", PASSWORD)
    mine, theirs = space_of(alice), space_of(bob)

    retired = statements.add_statement(
        space=mine,
        reason="tired",
        meaning="Last winter, nights shifts: I was done by nine.",
        not_meaning="It was never about you.",
        reassurance="I loved our Sunday mornings then.",
    )
    statements.retire_statement(space=mine, statement_id=retired.pk)

    # bob asked, alice said "not now" with a card and a rain check; then alice asked.
    bobs = moment.ask(space=theirs, kind="closeness", when="now", words="A walk, then the sofa?")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    answer = moment.decline(
        space=mine,
        ask_id=bobs.pk,
        card=moment.clean_card(
            mine,
            acknowledgement="Thank you for asking so kindly.",
            reason="My head is still at work.",
            love="I love our evenings.",
            rain_check=f"{tomorrow}:evening",
        ),
    )
    ask = moment.ask(space=mine, kind="closeness", when="now", words="Lie close for a while?")
    # A passkey of alice's, for the passkey pages (a software one: tests/mfa_support.py).
    from tests.mfa_support import add_passkey

    add_passkey(alice, "Alice's phone")
    # A therapist's copy both agreed to (the therapist-copy page), and one bob made
    # that waits for alice (the session page shows both, with their controls).
    from couples.services import therapy

    session = TherapySession.objects.filter(couple=mine.couple).earliest("pk")
    link, therapist_token = therapy.create_therapist_link(
        space=mine, session_id=session.pk, therapist_name="Dr. Reyes"
    )
    therapy.consent_to_therapist_link(space=theirs, link_id=link.pk)
    therapy.create_therapist_link(
        space=theirs, session_id=session.pk, therapist_name="Dr. Okafor", days=14
    )
    past_checkin = _furnish_checkins(mine, theirs)
    _homework(mine, theirs)
    return SimpleNamespace(
        past_checkin=past_checkin,
        therapist_token=therapist_token,
        people={ALICE: alice, BOB: bob, CAROL: carol},
        statement=Statement.objects.filter(author=alice, retired_at=None).earliest("pk"),
        retired_statement=retired,
        reflection=Reflection.objects.filter(author=alice).earliest("pk"),
        session=TherapySession.objects.filter(couple=mine.couple).earliest("pk"),
        ask=ask,
        rain_check=answer.rain_checks.get(),
    )


def _furnish_checkins(mine, theirs):
    """Last week's check-in (to read) and this week's, both partners writing."""
    from couples.models import CheckIn
    from couples.services import checkins

    checkins.add_appreciation(space=mine, text="How you kept the evening calm.")
    checkins.save_topic(space=theirs, text="How we share the weekend.")
    past = CheckIn.objects.get(couple=mine.couple)
    past.week_start -= datetime.timedelta(days=7)
    past.save()
    checkins.add_appreciation(space=mine, text="The tea you made when I came home late.")
    checkins.add_appreciation(space=theirs, text="That you laughed at my terrible joke.")
    checkins.save_went_well(space=mine, text="We ate together four evenings.")
    checkins.save_topic(space=mine, text="Less phone time in bed.")
    return past


def _homework(mine, theirs):
    """A staged exercise under way with a time done, and a proposal to answer."""
    from couples.services import homework

    focus = homework.propose_homework(
        space=theirs, exercise="sensate_focus", text="As we said with Dr. Reyes: Sunday evenings."
    )
    homework.accept_homework(space=mine, homework_id=focus.pk)
    homework.mark_done(
        space=mine, homework_id=focus.pk, done_on=datetime.date.today(), note="Slow, and nice."
    )
    homework.confirm_stage(space=theirs, homework_id=focus.pk, stage=1)
    homework.propose_homework(space=theirs, text="A walk after dinner, twice this week")


def screenshots_index(pages, widths):
    """docs/screenshots/README.md: every page, both widths."""
    lines = [
        "# Screenshots of every page",
        "",
        "Made by `scripts/screenshots` (tests/browser/test_axe_every_page.py with",
        "`CG_SCREENSHOTS=1`) on a scratch database seeded by `manage.py demo_space`",
        "(plus an open ask, a rain check, a retired statement and an unlinked person:",
        "tests/browser/every_page.py). Light colour scheme; full page, one image pixel",
        "per CSS pixel, cut off at 3000 pixels high, reduced to 256 colours. Do not",
        "edit by hand: run the command again.",
        "",
        "| page | who | " + " | ".join(f"{width} px" for width in widths) + " |",
        "|---|---|" + "---|" * len(widths),
    ]
    for page in pages:
        cells = " | ".join(
            f"[{page.name}-{width}.png]({page.name}-{width}.png)" for width in widths
        )
        lines.append(f"| {page.title} | {page.who} | {cells} |")
    return "\n".join(lines) + "\n"
