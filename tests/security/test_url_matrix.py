"""Every URL pattern x every role x every HTTP method: the expected status, no
foreign content, no state change on safe methods, no-store on every private
answer, a CSP on every HTML answer, CSRF on every unsafe method.

The table of expectations is ``url_table.py``; a pattern without a row fails here.
"""

import pytest

from .harness import (
    METHODS,
    SAFE_METHODS,
    UNSAFE_METHODS,
    Requester,
    iter_patterns,
    response_text,
    url_for,
)
from .url_table import EXTRA_ROWS, ROWS, row_for
from .world import MOMENT_CARD_CANARIES, MOMENT_DUE_NOTE, ROLES

pytestmark = pytest.mark.django_db

PATTERNS = list(iter_patterns())


def test_every_url_pattern_has_a_row():
    missing = [f"{p.key}  (/{p.route})" for p in PATTERNS if row_for(p.key) is None]
    assert not missing, (
        "These URL patterns have no row in tests/security/url_table.py; add one saying "
        "what anonymous, owner, partner and outsider get:\n  " + "\n  ".join(missing)
    )


def test_every_row_still_names_a_url_pattern():
    keys = {p.key for p in PATTERNS}
    stale = [
        row.key
        for row in ROWS
        if (row.url_name not in keys)
        and not (row.key.endswith("*") and any(k.startswith(row.key[:-1]) for k in keys))
    ]
    assert not stale, f"Rows for URL names that no longer exist: {stale}"


@pytest.fixture
def world(shared_world):
    return shared_world


def _path(pattern, row, world):
    kwargs = row.kwargs(world)
    return url_for(pattern, {k: kwargs[k] for k in pattern.params})


def _role_path(pattern, row, world, role, path):
    if row.role_kwargs is None:
        return path
    kwargs = row.role_kwargs(world, role)
    return url_for(pattern, {k: kwargs[k] for k in pattern.params})


def check_every_cell(row, path, world, pattern=None):
    """Every role x method on ``path``: the problems found (empty when all is well)."""
    problems = []
    base = path
    for role in ROLES:
        request = Requester(world.user(role))
        hidden = world.hidden_from(role)
        path = _role_path(pattern, row, world, role, base) if pattern else base
        for method in METHODS:
            response, changed = request(method, path, fingerprint=method in SAFE_METHODS)
            changed = [table for table in changed if table not in row.safe_writes]
            expected = row.expect[role][method]
            where = f"{role} {method} {path}"
            if response.status_code != expected:
                problems.append(f"{where}: status {response.status_code}, expected {expected}")
            if response.status_code >= 500:
                problems.append(f"{where}: server error")
            if changed:
                problems.append(f"{where}: a safe method changed {changed}")
            private = role not in ("anonymous", "therapist") or path.startswith(
                ("/accounts/", "/join/", "/t/")
            )
            if private and "no-store" not in response.get("Cache-Control", ""):
                problems.append(f"{where}: private answer without Cache-Control: no-store")
            if response.get("Content-Type", "").startswith("text/html") and (
                "Content-Security-Policy" not in response
            ):
                problems.append(f"{where}: HTML without a Content-Security-Policy")
            text = response_text(response)
            problems.extend(
                f"{where}: response contains {canary.what}"
                for canary in hidden
                if canary.text in text
            )
    return problems


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.key)
def test_every_role_and_method_gets_the_expected_answer_and_nothing_foreign(pattern, world):
    row = row_for(pattern.key)
    assert row is not None, f"{pattern.key} has no row in url_table.py"
    problems = check_every_cell(row, _path(pattern, row, world), world, pattern)
    assert not problems, "\n".join(problems)


PATTERNS_BY_KEY = {p.key: p for p in PATTERNS}


@pytest.mark.parametrize("row", EXTRA_ROWS, ids=lambda r: r.key)
def test_every_extra_row_gets_the_expected_answer_and_nothing_foreign(row, world):
    """The same URL pattern with other objects: a retired statement's history,
    and /parts/<name>/ for every registered part name (bob fetching the
    user-scoped ``reflections`` or ``my-answers`` gets his own, never alice's)."""
    problems = check_every_cell(row, _path(PATTERNS_BY_KEY[row.pattern], row, world), world)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.key)
def test_every_unsafe_request_without_csrf_token_is_refused_and_changes_nothing(pattern, world):
    row = row_for(pattern.key)
    problems = []
    for role in ROLES:
        path = _role_path(pattern, row, world, role, _path(pattern, row, world))
        request = Requester(world.user(role))
        for method in UNSAFE_METHODS:
            response, changed = request(method, path, csrf=False, fingerprint=True)
            where = f"{role} {method} {path} without CSRF token"
            if response.status_code != 403:
                problems.append(f"{where}: status {response.status_code}, expected 403")
            if changed:
                problems.append(f"{where}: changed {changed}")
    assert not problems, "\n".join(problems)


def test_the_canaries_are_findable_where_they_may_be_seen(world):
    """The absence checks above mean something only if a canary would be found:
    alice's email on her own email page, her name on her partner's dashboard."""
    email_page, _ = Requester(world.alice)("GET", "/accounts/email/")
    assert world.alice.email in response_text(email_page)
    partner_view, _ = Requester(world.bob)("GET", "/")
    assert world.alice.display_name in response_text(partner_view)
    # The user-scoped parts are each viewer's own: bob's journal for bob, alice's for her.
    bobs_part, _ = Requester(world.bob)("GET", "/parts/reflections/")
    assert "Rfl7-bobs-own-canary" in response_text(bobs_part)
    alices_part, _ = Requester(world.alice)("GET", "/parts/reflections/")
    assert "Rfl7-body-canary" in response_text(alices_part)
    alices_answers, _ = Requester(world.alice)("GET", "/parts/my-answers/")
    assert "Alt7 proposal canary" in response_text(alices_answers)
    # The moment: alice's open ask and her card reach bob; her private note on her
    # own rain check is on her dashboard (and, by the matrix, nowhere else).
    bobs_moment = response_text(Requester(world.bob)("GET", "/parts/moment/")[0])
    assert "Mmt7-open-ask-words-canary" in bobs_moment
    assert all(text in bobs_moment for text in MOMENT_CARD_CANARIES.values())
    alices_dashboard, _ = Requester(world.alice)("GET", "/")
    assert MOMENT_DUE_NOTE in response_text(alices_dashboard)
    outsider_view, _ = Requester(world.carol)("GET", "/")
    assert world.dave.display_name in response_text(outsider_view)
    assert world.alice.display_name not in response_text(outsider_view)


def test_the_therapist_copy_holds_the_shared_canaries_and_bobs_pick_only(world):
    """The therapist role's view is the shared brief: alice's statement and topic are
    there, bob's explicit pick too; alice's flagged reflection (in her own copy)
    and bob's own journal are not."""
    token = world.therapist_tokens["therapist"]
    text = response_text(Requester(None)("GET", f"/t/{token}/")[0])
    for shared in ("Stm7-shared-canary meaning", "Tpc7-topic-canary", "Rfl7-bobs-picked-canary"):
        assert shared in text
    alices_brief = Requester(world.alice)(
        "GET", f"/therapy/{world.objects['therapy_session'].pk}/brief/"
    )
    assert "Rfl7-body-canary" in response_text(alices_brief[0])
    assert "Rfl7-body-canary" not in text and "Rfl7-bobs-own-canary" not in text
