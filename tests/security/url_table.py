"""The attack suite's table: one row per URL pattern, what each role gets.

EVERY URL pattern of the project must match a row here (or a group below),
otherwise ``test_every_url_pattern_has_a_row`` fails naming it. To add a view:

    Row("statement_edit",
        kwargs=lambda w: {"pk": w.objects["statement"].pk},      # alice's object
        expect=app_view(owner=form(200, 422), partner=form(404, 404),
                        outsider=form(404, 404)),
        idor_kwargs=lambda w: {"pk": w.foreign["statement"].pk}), # carol's object

``kwargs`` builds the URL from the world (``world.py``: plant alice's object and
its canaries there). ``expect`` maps role -> {method: status}; use the shape
helpers below. The POST the matrix sends is empty (plus a valid CSRF token): it
proves access control, not the happy path, which each area tests itself.
``idor_kwargs`` (a stranger's ids in the URL) makes the IDOR test request it as
owner and partner and demand 404 and no change; ``idor_form`` does the same for
ids in form fields (a dict of POST data).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .harness import METHODS

SIGNED_IN = ("owner", "partner", "outsider")


def statuses(default=405, **by_method):
    """{method: status} for every method; HX-GET/HX-POST default to GET/POST."""
    table = dict.fromkeys(METHODS, default)
    for method, status in by_method.items():
        table[method.replace("_", "-")] = status
    if "HX_GET" not in by_method:
        table["HX-GET"] = table["GET"]
    if "HX_POST" not in by_method:
        table["HX-POST"] = table["POST"]
    return table


def every_method(status):
    return statuses(status)


def roles(*, anonymous, signed_in=None, owner=None, partner=None, outsider=None, therapist=None):
    """role -> statuses; ``signed_in`` is the default for owner, partner and outsider.

    ``therapist`` is someone with no account who holds a working therapist link
    (world.py): everywhere but that link, they are anonymous."""
    return {
        "anonymous": anonymous,
        "owner": owner or signed_in,
        "partner": partner or signed_in,
        "outsider": outsider or signed_in,
        "therapist": therapist or anonymous,
    }


# --- Shapes of the app's own views -------------------------------------------------
# Function views: require_http_methods outermost (405 for anything else, HEAD and
# OPTIONS included), then couples.http.login_required (302 to the login page, or
# 401 + HX-Redirect for htmx).


def fn(*, GET=405, POST=405):
    return statuses(GET=GET, POST=POST)


def app_anonymous(*, get=True, post=True):
    """What anonymous gets from a login_required function view."""
    return statuses(
        GET=302 if get else 405,
        HX_GET=401 if get else 405,
        POST=302 if post else 405,
        HX_POST=401 if post else 405,
    )


# --- Shapes of allauth's class-based views -----------------------------------------
# Django's View answers HEAD like GET and OPTIONS with 200; FormView answers PUT
# like POST.


def cbv(GET=200, POST=405, PUT=None):
    return statuses(GET=GET, HEAD=GET, OPTIONS=200, POST=POST, PUT=PUT or 405)


def cbv_form(GET=200, POST=200):
    return cbv(GET=GET, POST=POST, PUT=POST)


@dataclass(frozen=True)
class Row:
    key: str  # the URL name ("name" or "namespace:name"); a group ends in "*"
    expect: dict  # role -> {method: status}
    kwargs: Callable = field(default=lambda world: {})
    reason: str = ""
    idor_kwargs: Callable | None = None
    idor_form: Callable | None = None
    # Set on an *extra* row: the same URL pattern requested with other kwargs
    # (e.g. a retired statement's history, each part name). ``key`` is then a label.
    pattern: str | None = None
    # ``(world, role) -> kwargs`` when each role requests its own URL (a therapist
    # link: only the therapist role holds the working token; ``kwargs`` is theirs).
    role_kwargs: Callable | None = None
    # Tables a safe request may write to (a therapist's view is logged).
    safe_writes: tuple = ()

    @property
    def url_name(self):
        return self.pattern or self.key


ROWS = [
    # --- Common Ground's own views ------------------------------------------------
    Row(
        "dashboard",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="each person sees their own space (carol hers with dave)",
    ),
    Row(
        "profile",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="a person's own profile: no ids, nobody else's",
    ),
    Row(
        "account_export",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="explains the export: no ids, nothing of anyone else",
    ),
    Row(
        "account_export_download",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="each person's own words only (password confirmed recently in this world)",
    ),
    Row(
        "account_delete",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="a person's own account; no password: 422, nothing deleted",
    ),
    Row(
        "invite_create",
        roles(anonymous=app_anonymous(), signed_in=statuses(GET=302, HX_GET=204, POST=422)),
        reason="everyone here is linked: 'already linked' (422), nothing created; "
        "GET shows a code held from a plain POST, once (none here: to the dashboard)",
    ),
    Row(
        "invite_replace",
        roles(anonymous=app_anonymous(post=False), signed_in=statuses(GET=302, HX_GET=204)),
        reason="everyone here is linked, with no open invite: to the dashboard; "
        "the page only explains and offers the POSTs, it changes nothing",
    ),
    Row(
        "invite_revoke",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=statuses(POST=302, HX_POST=200),
        ),
        reason="revokes only the requester's own invite (none here); htmx gets the section",
    ),
    Row(
        "join",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="empty code: 422",
    ),
    Row(
        "join_link",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        kwargs=lambda w: {"code": "ABCD2345"},
        reason="GET only prefills the form with the code from the link; checks nothing",
    ),
    Row(
        "unlink",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="a member unlinks their own couple; POST without the tick: 422",
    ),
    # --- The areas ----------------------------------------------------------------
    # The POST the matrix sends is empty: forms answer 422 (nothing saved); id-taking
    # actions without a form act (302, htmx 200) for the one role they belong to.
    Row(
        "reauth_confirm",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="asks the signed-in person for their own password; empty: 422",
    ),
    Row(
        "part",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        kwargs=lambda w: {"name": "statements"},
        reason="one part for its viewer; every registered name is walked by "
        "test_url_matrix.py::test_every_part_name_answers_each_role_with_its_own_view",
    ),
    Row(
        "set_language",
        roles(anonymous=fn(POST=302), signed_in=fn(POST=302)),
        reason="the language switch: the requester's own cookie (and own account); "
        "an empty POST changes nothing and goes back",
    ),
    Row(
        "privacy",
        roles(anonymous=fn(GET=200), signed_in=fn(GET=200)),
        reason="public page",
    ),
    # Statements ("what my no means")
    Row(
        "statement_new",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="one's own new statement in one's own couple",
    ),
    Row(
        "statement_edit",
        roles(
            anonymous=app_anonymous(),
            owner=fn(GET=200, POST=422),
            partner=fn(GET=404, POST=404),
            outsider=fn(GET=404, POST=404),
        ),
        kwargs=lambda w: {"pk": w.objects["statement"].pk},
        idor_kwargs=lambda w: {"pk": w.foreign["statement"].pk},
        reason="only the author edits",
    ),
    Row(
        "statement_retire",
        roles(
            anonymous=app_anonymous(get=False),
            owner=statuses(POST=302, HX_POST=200),
            partner=fn(POST=404),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"pk": w.objects["statement"].pk},
        idor_kwargs=lambda w: {"pk": w.foreign["statement"].pk},
        reason="only the author retires",
    ),
    Row(
        "statement_heard",
        roles(
            anonymous=app_anonymous(get=False),
            owner=fn(POST=404),
            partner=statuses(POST=302, HX_POST=200),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"pk": w.objects["statement"].pk},
        idor_kwargs=lambda w: {"pk": w.foreign["statement"].pk},
        reason="only the partner marks a statement heard",
    ),
    Row(
        "statement_ask",
        roles(
            anonymous=app_anonymous(get=False),
            owner=fn(POST=404),
            partner=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"pk": w.objects["statement"].pk},
        idor_kwargs=lambda w: {"pk": w.foreign["statement"].pk},
        reason="only the partner asks about a statement; empty question: 422",
    ),
    Row(
        "statement_history",
        roles(
            anonymous=app_anonymous(post=False),
            owner=fn(GET=200),
            partner=fn(GET=200),
            outsider=fn(GET=404),
        ),
        kwargs=lambda w: {"pk": w.objects["statement"].pk},
        idor_kwargs=lambda w: {"pk": w.foreign["statement"].pk},
        reason="a shared statement's history is the couple's",
    ),
    Row(
        "statement_history_retired",
        roles(
            anonymous=app_anonymous(post=False),
            owner=fn(GET=200),
            partner=fn(GET=404),
            outsider=fn(GET=404),
        ),
        kwargs=lambda w: {"pk": w.objects["retired_statement"].pk},
        pattern="statement_history",
        reason="a retired statement's history stays with its author",
    ),
    Row(
        "statements_retired",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="one's own retired statements in one's own couple; no ids (the partner "
        "sees their own, never alice's: the canary crawl checks)",
    ),
    Row(
        "statement_answer",
        roles(
            anonymous=app_anonymous(get=False),
            owner=fn(POST=404),
            partner=fn(POST=422),
            outsider=fn(POST=404),
        ),
        # alice's question on bob's statement: bob (its author) answers.
        kwargs=lambda w: {"pk": w.objects["question"].pk},
        idor_kwargs=lambda w: {"pk": w.foreign["question"].pk},
        reason="only the statement's author answers a question; empty: 422",
    ),
    # Reflections (private journal: the owner alone; everyone else 404)
    Row(
        "reflections",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="each person's own journal",
    ),
    Row(
        "reflection_create",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="an empty entry is refused",
    ),
    Row(
        "reflection_detail",
        roles(
            anonymous=app_anonymous(post=False),
            owner=fn(GET=200),
            partner=fn(GET=404),
            outsider=fn(GET=404),
        ),
        kwargs=lambda w: {"reflection_id": w.objects["reflection"].pk},
        idor_kwargs=lambda w: {"reflection_id": w.foreign["reflection"].pk},
        reason="owner only",
    ),
    Row(
        "reflection_edit",
        roles(
            anonymous=app_anonymous(),
            owner=fn(GET=200, POST=409),
            partner=fn(GET=404, POST=404),
            outsider=fn(GET=404, POST=404),
        ),
        kwargs=lambda w: {"reflection_id": w.objects["reflection"].pk},
        idor_kwargs=lambda w: {"reflection_id": w.foreign["reflection"].pk},
        reason="owner only; a save without the version it was edited from counts as "
        "stale (check_version): 409, nothing saved",
    ),
    Row(
        "reflection_delete",
        roles(
            anonymous=app_anonymous(),
            owner=statuses(GET=200, POST=302, HX_POST=200),
            partner=fn(GET=404, POST=404),
            outsider=fn(GET=404, POST=404),
        ),
        kwargs=lambda w: {"reflection_id": w.objects["reflection"].pk},
        idor_kwargs=lambda w: {"reflection_id": w.foreign["reflection"].pk},
        reason="owner only",
    ),
    Row(
        "reflection_therapy",
        roles(
            anonymous=app_anonymous(get=False),
            owner=statuses(POST=302, HX_POST=200),
            partner=fn(POST=404),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"reflection_id": w.objects["reflection"].pk},
        idor_kwargs=lambda w: {"reflection_id": w.foreign["reflection"].pk},
        reason="owner only",
    ),
    # Timing
    Row(
        "timing_edit",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="one's own week in one's own couple; no ids",
    ),
    Row(
        "timing_cell",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="one cell of one's own week in one's own couple; no ids; empty: 422",
    ),
    # Therapy
    Row(
        "therapy_session_create",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="a session in one's own couple; empty: 422",
    ),
    Row(
        "therapy_sessions",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="the list of one's own couple's sessions; no ids",
    ),
    Row(
        "therapy_session",
        roles(
            anonymous=app_anonymous(post=False),
            signed_in=fn(GET=200),
            outsider=fn(GET=404),
        ),
        kwargs=lambda w: {"session_id": w.objects["therapy_session"].pk},
        idor_kwargs=lambda w: {"session_id": w.foreign["therapy_session"].pk},
        reason="the couple's session",
    ),
    Row(
        "therapy_brief",
        roles(
            anonymous=app_anonymous(post=False),
            signed_in=fn(GET=200),
            outsider=fn(GET=404),
        ),
        kwargs=lambda w: {"session_id": w.objects["therapy_session"].pk},
        idor_kwargs=lambda w: {"session_id": w.foreign["therapy_session"].pk},
        reason="the couple's brief; each reader's own flagged reflections only",
    ),
    Row(
        "therapy_brief_pdf",
        roles(
            anonymous=app_anonymous(post=False),
            signed_in=fn(GET=200),
            outsider=fn(GET=404),
        ),
        kwargs=lambda w: {"session_id": w.objects["therapy_session"].pk},
        idor_kwargs=lambda w: {"session_id": w.foreign["therapy_session"].pk},
        reason="the same brief as a PDF, for the couple's members only",
    ),
    Row(
        "therapy_session_update",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"session_id": w.objects["therapy_session"].pk},
        idor_kwargs=lambda w: {"session_id": w.foreign["therapy_session"].pk},
        reason="the couple's session; empty: 422",
    ),
    Row(
        "therapy_topic_add",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"session_id": w.objects["therapy_session"].pk},
        idor_kwargs=lambda w: {"session_id": w.foreign["therapy_session"].pk},
        reason="the couple's agenda; empty: 422",
    ),
    Row(
        "therapy_topic_move",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"topic_id": w.objects["topic"].pk},
        idor_kwargs=lambda w: {"topic_id": w.foreign["topic"].pk},
        reason="the couple's agenda; no direction: 422",
    ),
    Row(
        "therapy_topic_remove",
        roles(
            anonymous=app_anonymous(get=False),
            owner=statuses(POST=302, HX_POST=200),
            partner=fn(POST=403),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"topic_id": w.objects["topic"].pk},
        idor_kwargs=lambda w: {"topic_id": w.foreign["topic"].pk},
        reason="only who added a topic removes it (bob: 403, 'not yours'); a stranger: 404",
    ),
    Row(
        "therapy_topic_discussed",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"topic_id": w.objects["topic"].pk},
        idor_kwargs=lambda w: {"topic_id": w.foreign["topic"].pk},
        reason="the couple's agenda; no choice: 422",
    ),
    # A therapist's copy: managing links (members) and the link itself (no account)
    Row(
        "therapist_link_create",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"session_id": w.objects["therapy_session"].pk},
        idor_kwargs=lambda w: {"session_id": w.foreign["therapy_session"].pk},
        reason="a link for the couple's session; empty: 422 (no name)",
    ),
    Row(
        "therapist_link_consent",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=statuses(POST=302, HX_POST=200),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"link_id": w.objects["therapist_link"].pk},
        idor_kwargs=lambda w: {"link_id": w.foreign["therapist_link"].pk},
        reason="either partner agrees (both already did here: nothing changes); a stranger: 404",
    ),
    Row(
        "therapist_link_revoke",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=statuses(POST=302, HX_POST=200),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"link_id": w.objects["therapist_link"].pk},
        idor_kwargs=lambda w: {"link_id": w.foreign["therapist_link"].pk},
        reason="either partner revokes, alone, at once; a stranger: 404",
    ),
    Row(
        "therapist_link_picks",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=statuses(POST=302, HX_POST=200),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"link_id": w.objects["therapist_link"].pk},
        idor_kwargs=lambda w: {"link_id": w.foreign["therapist_link"].pk},
        idor_form=lambda w: {"reflection": [w.foreign["reflection"].pk]},
        reason="each partner's own picks (empty: takes all of mine out); a stranger: 404",
    ),
    Row(
        "therapist_view",
        roles(anonymous=fn(GET=404), signed_in=fn(GET=404), therapist=fn(GET=200)),
        kwargs=lambda w: {"token": w.objects["therapist_token"]},
        role_kwargs=lambda w, role: {"token": w.therapist_tokens[role]},
        # The view is logged, and the couple's sequence number moves with the push
        # that shows it to both partners.
        safe_writes=("couples_therapistlinkview", "couples_couple"),
        reason="only the working link opens it (the therapist role); every other role holds "
        "one that does not work: unknown, waiting for consent, revoked, expired: 404",
    ),
    Row(
        "therapist_pdf",
        roles(anonymous=fn(GET=404), signed_in=fn(GET=404), therapist=fn(GET=200)),
        kwargs=lambda w: {"token": w.objects["therapist_token"]},
        role_kwargs=lambda w, role: {"token": w.therapist_tokens[role]},
        safe_writes=("couples_therapistlinkview", "couples_couple"),
        reason="the same copy as a PDF, for the working link only",
    ),
    # Homework between sessions (world.py: alice's staged exercise, accepted by bob,
    # with a time alice marked done). The couple's: a stranger gets 404.
    Row(
        "homework",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="one's own couple's homework; no ids",
    ),
    Row(
        "homework_propose",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="a proposal in one's own couple; empty: 422",
    ),
    *(
        Row(
            name,
            roles(
                anonymous=app_anonymous(get=False),
                signed_in=fn(POST=422),
                outsider=fn(POST=404),
            ),
            kwargs=lambda w: {"homework_id": w.objects["homework"].pk},
            idor_kwargs=lambda w: {"homework_id": w.foreign["homework"].pk},
            reason="the couple's homework; nothing chosen: 422",
        )
        for name in ("homework_act", "homework_done", "homework_stage")
    ),
    Row(
        "homework_done_remove",
        roles(
            anonymous=app_anonymous(get=False),
            owner=statuses(POST=302, HX_POST=200),
            partner=fn(POST=403),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"occurrence_id": w.objects["homework_time"].pk},
        idor_kwargs=lambda w: {"occurrence_id": w.foreign["homework_time"].pk},
        reason="only who marked a time takes it back (bob: 403); a stranger: 404",
    ),
    # Alternatives (answers private; only mutual yeses shared)
    Row(
        "alternatives",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="each person's own answers",
    ),
    Row(
        "alternatives_propose",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="a proposal in one's own couple; empty name: 422",
    ),
    Row(
        "alternatives_answer",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"activity_id": w.objects["alternative"].pk},
        idor_kwargs=lambda w: {"activity_id": w.foreign["alternative"].pk},
        reason="one's own answer to an activity of one's couple; no answer field: 422",
    ),
    Row(
        "alternatives_withdraw",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=statuses(POST=302, HX_POST=200),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"activity_id": w.objects["alternative"].pk},
        idor_kwargs=lambda w: {"activity_id": w.foreign["alternative"].pk},
        reason="takes back one's own yes (none here: nothing changes)",
    ),
    # The moment (world.py: alice's open ask; bob's ask that alice declined with
    # her card and her rain check). Asks are the couple's: a stranger gets 404,
    # the partner reaches the service, which refuses what is not theirs to do.
    Row(
        "moment_ask",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="a gentle ask in one's own couple; nothing chosen: 422",
    ),
    Row(
        "moment_withdraw",
        roles(
            anonymous=app_anonymous(get=False),
            owner=statuses(POST=302, HX_POST=200),
            partner=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"ask_id": w.objects["ask"].pk},
        idor_kwargs=lambda w: {"ask_id": w.foreign["ask"].pk},
        reason="only the asker takes an ask back (bob: 422, 'only the one who asked')",
    ),
    Row(
        "moment_answer",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"ask_id": w.objects["ask"].pk},
        idor_kwargs=lambda w: {"ask_id": w.foreign["ask"].pk},
        reason="an ask of one's couple; no answer chosen: 422 (alice answering her own "
        "ask with a choice: 422 too, 'this is your own ask')",
    ),
    Row(
        "moment_decline",
        roles(
            anonymous=app_anonymous(),
            owner=fn(GET=302, POST=302),
            partner=fn(GET=200, POST=200),
            outsider=fn(GET=404, POST=404),
        ),
        kwargs=lambda w: {"ask_id": w.objects["ask"].pk},
        idor_kwargs=lambda w: {"ask_id": w.foreign["ask"].pk},
        reason="bob writes his card to alice's ask (a POST without 'send' is the "
        "preview: 200, nothing sent); alice is sent back to her dashboard",
    ),
    Row(
        "moment_reply",
        roles(
            anonymous=app_anonymous(get=False),
            owner=fn(POST=422),
            partner=statuses(POST=302, HX_POST=200),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"ask_id": w.objects["answered_ask"].pk},
        idor_kwargs=lambda w: {"ask_id": w.foreign["answered_ask"].pk},
        reason="only the asker (bob) answers the answer; empty: closes it quietly; "
        "alice, who answered: 422",
    ),
    Row(
        "moment_put_away",
        roles(
            anonymous=app_anonymous(get=False),
            owner=statuses(POST=302, HX_POST=200),
            partner=fn(POST=422),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"ask_id": w.objects["answered_ask"].pk},
        idor_kwargs=lambda w: {"ask_id": w.foreign["answered_ask"].pk},
        reason="only the answer's author (alice) puts the reply away; bob: 422",
    ),
    Row(
        "moment_rain_check_redeem",
        roles(
            anonymous=app_anonymous(get=False),
            owner=fn(POST=409),
            partner=fn(POST=404),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"rain_check_id": w.objects["rain_check"].pk},
        idor_kwargs=lambda w: {"rain_check_id": w.foreign["rain_check"].pk},
        reason="only the owner redeems; alice already has an open ask (one per person): "
        "409, nothing redeemed; bob: 404",
    ),
    Row(
        "moment_rain_check_move",
        roles(
            anonymous=app_anonymous(),
            owner=fn(GET=200, POST=422),
            partner=fn(GET=404, POST=404),
            outsider=fn(GET=404, POST=404),
        ),
        kwargs=lambda w: {"rain_check_id": w.objects["rain_check"].pk},
        idor_kwargs=lambda w: {"rain_check_id": w.foreign["rain_check"].pk},
        reason="only the owner moves; no new time: 422",
    ),
    Row(
        "moment_rain_check_let_go",
        roles(
            anonymous=app_anonymous(get=False),
            owner=statuses(POST=302, HX_POST=200),
            partner=fn(POST=404),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"rain_check_id": w.objects["rain_check"].pk},
        idor_kwargs=lambda w: {"rain_check_id": w.foreign["rain_check"].pk},
        reason="only the owner lets it go",
    ),
    # The weekly check-in (world.py: alice's and bob's entries this week, alice's
    # past week). Shared with the partner; a stranger reaches none of it.
    Row(
        "checkin",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="this week's check-in of one's own couple; no ids (carol sees hers with dave)",
    ),
    Row(
        "checkin_past",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="the list of one's own couple's past check-ins; no ids",
    ),
    Row(
        "checkin_week",
        roles(
            anonymous=app_anonymous(post=False),
            signed_in=fn(GET=200),
            outsider=fn(GET=404),
        ),
        kwargs=lambda w: {"week": w.objects["past_checkin"].week_start.isoformat()},
        reason="a week of one's own couple (the couple is the key, not an id in the URL); "
        "carol has no check-in that week: 404",
    ),
    Row(
        "checkin_appreciation_add",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="one's own appreciation in one's own couple; empty: 422",
    ),
    Row(
        "checkin_appreciation_remove",
        roles(
            anonymous=app_anonymous(get=False),
            owner=statuses(POST=302, HX_POST=200),
            partner=fn(POST=404),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"appreciation_id": w.objects["appreciation"].pk},
        idor_kwargs=lambda w: {"appreciation_id": w.foreign["appreciation"].pk},
        reason="only its author takes an appreciation back",
    ),
    Row(
        "checkin_went_well",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="one's own entry in one's own couple; no field: 422, nothing saved",
    ),
    Row(
        "checkin_topic",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=422)),
        reason="one's own entry in one's own couple; no field: 422, nothing saved",
    ),
    Row(
        "checkin_topic_move",
        roles(
            anonymous=app_anonymous(get=False),
            signed_in=statuses(POST=302, HX_POST=200),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"entry_id": w.objects["checkin_entry"].pk},
        idor_kwargs=lambda w: {"entry_id": w.foreign["checkin_entry"].pk},
        reason="either partner puts a topic on the next session's agenda (one is planned)",
    ),
    # My patterns: the viewer's own rows only, no ids (world.py: alice declined
    # bob's ask with her card; its canaries must never reach bob's page).
    Row(
        "patterns",
        roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
        reason="each person's own asks, not-nows and rain checks; nothing of the partner's",
    ),
    # Notifications: a person's own choices and devices; no one else's.
    Row(
        "notifications",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="a person's own choices; empty POST: 422 (no quiet hours given), nothing saved",
    ),
    Row(
        "notification_device_add",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=400)),
        reason="this browser's subscription for the person signed in; empty: 400",
    ),
    Row(
        "notification_device_forget",
        roles(anonymous=app_anonymous(get=False), signed_in=fn(POST=204)),
        reason="forgets only the requester's own device with that endpoint (none sent)",
    ),
    Row(
        "notification_device_remove",
        roles(
            anonymous=app_anonymous(get=False),
            owner=fn(POST=302),
            partner=fn(POST=404),
            outsider=fn(POST=404),
        ),
        kwargs=lambda w: {"device_id": w.objects["push_device"].pk},
        idor_kwargs=lambda w: {"device_id": w.foreign["push_device"].pk},
        reason="only the device's own person removes it",
    ),
    Row(
        "service_worker",
        roles(anonymous=fn(GET=200), signed_in=fn(GET=200)),
        reason="the same script for everyone; nothing of anyone in it",
    ),
    Row(
        "manifest",
        roles(anonymous=fn(GET=200), signed_in=fn(GET=200)),
        reason="the web app manifest: the same for everyone",
    ),
    Row(
        "offline",
        roles(anonymous=fn(GET=200), signed_in=fn(GET=200)),
        reason="the static offline page: the same for everyone, nothing of anyone",
    ),
    Row(
        "pattern_sharing",
        roles(anonymous=app_anonymous(), signed_in=fn(GET=200, POST=422)),
        reason="one's own choice of what to share, in one's own couple; no ids; "
        "empty: 422, nothing changed",
    ),
    # --- Operations -----------------------------------------------------------------
    Row(
        "health_live",
        roles(anonymous=statuses(GET=200, HEAD=200), signed_in=statuses(GET=200, HEAD=200)),
        reason="liveness: a fixed answer, nothing of anyone, no limit (config/health.py)",
    ),
    Row(
        "health_ready",
        roles(anonymous=statuses(GET=200, HEAD=200), signed_in=statuses(GET=200, HEAD=200)),
        reason="readiness: which dependency answers, never why; nothing of anyone",
    ),
    Row(
        "usersessions_list",
        roles(anonymous=every_method(302), signed_in=cbv_form(POST=422)),
        reason="one's own sessions (accounts/session_views.py); an empty POST ends "
        "nothing (422: say which); someone else's session id: 404, nothing ends",
        idor_form=lambda world: {"session": world.foreign["push_device"].session_id},
    ),
    # --- allauth ------------------------------------------------------------------
    Row(
        "account_login",
        roles(anonymous=cbv_form(), signed_in=every_method(302)),
        reason="signed-in people are sent on",
    ),
    Row(
        "account_signup",
        roles(anonymous=cbv_form(), signed_in=every_method(302)),
        reason="signed-in people are sent on",
    ),
    Row(
        "account_logout",
        roles(anonymous=cbv(GET=302, POST=302), signed_in=cbv(GET=200, POST=302)),
        reason="GET only asks to confirm (ACCOUNT_LOGOUT_ON_GET=False)",
    ),
    Row("account_inactive", roles(anonymous=cbv(), signed_in=cbv()), reason="static page"),
    Row(
        "account_reauthenticate",
        # Alice and carol have a passkey in this world: with a second factor the
        # password alone no longer confirms, so allauth forwards them to the
        # passkey page (accounts.adapter; issue 18, item 2). Bob has none.
        roles(
            anonymous=every_method(302),
            signed_in=cbv_form(),
            owner=every_method(302),
            outsider=every_method(302),
        ),
        reason="asks the signed-in person for their own password, unless they have a second factor",
    ),
    Row(
        "account_email",
        roles(anonymous=every_method(302), signed_in=cbv_form(POST=302)),
        reason="a person's own addresses only",
    ),
    Row(
        "account_email_verification_sent",
        roles(anonymous=cbv(), signed_in=cbv()),
        reason="static page",
    ),
    # --- allauth.mfa: passkeys, authenticator codes, recovery codes --------------
    # alice and carol have a passkey in the world (tests/mfa_support.py); nobody has
    # an authenticator app or recovery codes. Changing factors asks for a fresh
    # confirmation first (302 to allauth's reauthentication): the signed-in people
    # of the matrix never confirmed, so those answers are the redirect, before any
    # object is looked up; test_mfa.py proves what a confirmed stranger gets (404).
    Row(
        "mfa_index",
        roles(anonymous=every_method(302), signed_in=cbv()),
        reason="the signed-in person's own factors",
    ),
    Row(
        "mfa_authenticate",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        reason="only during a login that asked for a second step (none here)",
    ),
    Row(
        "mfa_reauthenticate",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        reason="confirming with a code: nobody here has one, so the password page",
    ),
    Row(
        "mfa_activate_totp",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        reason="a new authenticator app asks for a fresh confirmation first",
    ),
    Row(
        "mfa_deactivate_totp",
        roles(anonymous=every_method(302), signed_in=every_method(404)),
        reason="nobody has an authenticator app here",
    ),
    Row(
        "mfa_view_recovery_codes",
        roles(
            anonymous=every_method(302),
            signed_in=statuses(GET=404, HEAD=404, OPTIONS=200, POST=405, PUT=405),
        ),
        reason="the person's own codes (none here)",
    ),
    Row(
        "mfa_generate_recovery_codes",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        reason="new codes ask for a fresh confirmation first",
    ),
    Row(
        "mfa_download_recovery_codes",
        roles(anonymous=every_method(302), signed_in=every_method(404)),
        reason="the person's own codes (none here)",
    ),
    Row(
        "mfa_list_webauthn",
        roles(anonymous=every_method(302), signed_in=cbv()),
        reason="the person's own passkeys; alice's passkey name is hers alone",
    ),
    Row(
        "mfa_add_webauthn",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        reason="a new passkey asks for a fresh confirmation first",
    ),
    Row(
        "mfa_reauthenticate_webauthn",
        roles(
            anonymous=every_method(302),
            owner=statuses(GET=200, HEAD=200, OPTIONS=200, POST=302, PUT=302),
            partner=every_method(302),
            outsider=statuses(GET=200, HEAD=200, OPTIONS=200, POST=302, PUT=302),
        ),
        reason="confirming with one's own passkey (bob has none: the password page); "
        "an empty answer confirms nothing",
    ),
    Row(
        "mfa_remove_webauthn",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        kwargs=lambda w: {"pk": w.objects["passkey"].pk},
        reason="asks for a fresh confirmation first; then only the owner's own (test_mfa.py)",
    ),
    Row(
        "mfa_edit_webauthn",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        kwargs=lambda w: {"pk": w.objects["passkey"].pk},
        reason="asks for a fresh confirmation first; then only the owner's own (test_mfa.py)",
    ),
    Row(
        "mfa_login_webauthn",
        roles(
            anonymous=statuses(GET=302, HEAD=302, OPTIONS=200, POST=302, PUT=302),
            signed_in=every_method(302),
        ),
        reason="logging in with a passkey alone (the login page's button); an empty "
        "answer logs nobody in; signed-in people are sent on",
    ),
    Row(
        "account_change_password",
        roles(anonymous=every_method(302), signed_in=cbv_form()),
        reason="the signed-in person's own password",
    ),
    Row(
        "account_set_password",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        reason="everyone here has a password: sent to 'change password'",
    ),
    Row(
        "account_reset_password",
        roles(anonymous=cbv_form(), signed_in=cbv_form()),
        reason="answers the same for any address (ACCOUNT_PREVENT_ENUMERATION)",
    ),
    Row(
        "account_confirm_login_code",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        reason="no login by code is pending",
    ),
    Row(
        "account_confirm_email",
        roles(anonymous=cbv(POST=404), signed_in=cbv(POST=404)),
        kwargs=lambda w: {"key": "not-a-real-key"},
        reason="an unknown key: a page saying so (GET), 404 (POST)",
    ),
    Row(
        "account_reset_password_from_key",
        roles(anonymous=every_method(200), signed_in=every_method(200)),
        kwargs=lambda w: {"uidb36": "1", "key": "not-a-real-key"},
        reason="a wrong key shows the 'bad link' page for any method; nothing changes",
    ),
    Row(
        "account_reset_password_from_key_done",
        roles(anonymous=cbv(), signed_in=cbv()),
        reason="static page",
    ),
    Row(
        "account_reset_password_done",
        roles(anonymous=cbv(), signed_in=cbv()),
        reason="static page",
    ),
    # --- Django admin -------------------------------------------------------------
    Row(
        "admin:login",
        roles(anonymous=cbv_form(), signed_in=cbv_form()),
        reason="nobody here is staff: the form refuses them",
    ),
    Row(
        "admin:*",
        roles(anonymous=every_method(302), signed_in=every_method(302)),
        kwargs=lambda w: {
            "object_id": w.alice.pk,
            "content_type_id": 1,
            "app_label": "auth",
            "url": "nothing-here/",
        },
        reason="every other admin page requires staff: non-staff are sent to admin login "
        "(whatever the method, before any lookup: alice's ids reveal nothing)",
    ),
]


def _part_rows():
    """/parts/<name>/ for every registered part name (and the whole-space body):
    each viewer gets their own view; a user-scoped part (reflections,
    my-answers) fetched by bob is bob's, never alice's. An unknown name: 404."""
    from couples import parts

    names = [*parts.PARTS, parts.SPACE]
    rows = [
        Row(
            f"part[{name}]",
            roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=200)),
            kwargs=lambda w, name=name: {"name": name},
            pattern="part",
            reason=f"the {name!r} part ({getattr(parts.PARTS.get(name), 'scope', 'couple')})",
        )
        for name in names
    ]
    rows.append(
        Row(
            "part[no-such-part]",
            roles(anonymous=app_anonymous(post=False), signed_in=fn(GET=404)),
            kwargs=lambda w: {"name": "no-such-part"},
            pattern="part",
            reason="an unknown part name",
        )
    )
    return rows


ROWS += _part_rows()
EXTRA_ROWS = [row for row in ROWS if row.pattern]


def row_for(key):
    """The row for a pattern key: its own row, else the longest matching group."""
    exact = {row.key: row for row in ROWS if not row.key.endswith("*") and not row.pattern}
    if key in exact:
        return exact[key]
    groups = [row for row in ROWS if row.key.endswith("*") and key.startswith(row.key[:-1])]
    return max(groups, key=lambda row: len(row.key)) if groups else None
