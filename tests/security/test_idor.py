"""IDOR: a stranger's ids in URLs and form fields reach nothing of the stranger's.

Rows in ``url_table.py`` with ``idor_kwargs`` (a stranger's ids in the URL) or
``idor_form`` (a stranger's ids in POST data) are requested by the owner and the
partner: the answer must be 404 and the database unchanged. Today's views take
no object ids in URLs; the views of the areas being built add rows.
"""

import pytest

from couples.models import Couple, Invite, Membership
from couples.services import linking
from tests.factories import UserFactory

from .harness import UNSAFE_METHODS, Requester, iter_patterns, response_text, url_for
from .url_table import ROWS, row_for
from .world import MOMENT_CARD_CANARIES

pytestmark = pytest.mark.django_db

PATTERNS = {p.key: p for p in iter_patterns()}
URL_IDOR_ROWS = [row for row in ROWS if row.idor_kwargs]
FORM_IDOR_ROWS = [row for row in ROWS if row.idor_form]


def _ids(rows):
    return [pytest.param(row, id=row.key) for row in rows] or [
        pytest.param(
            None,
            marks=pytest.mark.skip(
                reason="no form carries an object id; smuggled ids: test_idor_forms.py"
            ),
        )
    ]


@pytest.mark.parametrize("row", _ids(URL_IDOR_ROWS))
def test_a_strangers_id_in_the_url_is_404_and_changes_nothing(row, shared_world):
    world = shared_world
    pattern = PATTERNS[row.key]
    path = url_for(pattern, row.idor_kwargs(world))
    problems = []
    for role in ("owner", "partner"):
        request = Requester(world.user(role))
        for method, allowed in row.expect[role].items():
            if allowed == 405:
                continue
            response, changed = request(method, path, fingerprint=True)
            if response.status_code != 404:
                problems.append(f"{role} {method} {path}: {response.status_code}, expected 404")
            if changed:
                problems.append(f"{role} {method} {path}: changed {changed}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("row", _ids(FORM_IDOR_ROWS))
def test_a_strangers_id_in_a_form_field_is_404_and_changes_nothing(row, shared_world):
    world = shared_world
    path = url_for(PATTERNS[row.key], row.kwargs(world))
    for role in ("owner", "partner"):
        response, changed = Requester(world.user(role))(
            "POST", path, data=row.idor_form(world), fingerprint=True
        )
        assert response.status_code == 404, (role, path, response.status_code)
        assert not changed, (role, path, changed)


def test_every_idor_row_names_a_real_pattern():
    for row in URL_IDOR_ROWS + FORM_IDOR_ROWS:
        assert row.key in PATTERNS, row.key
        assert row_for(row.key) is row
    assert set(UNSAFE_METHODS) <= set(ROWS[0].expect["owner"])


# --- Today's forms: ids smuggled into POST data are ignored ----------------------------

SMUGGLED = ("id", "pk", "user", "user_id", "author", "creator", "couple", "couple_id", "invite")


def smuggle(world, **data):
    """POST data naming the stranger carol and her couple in every likely field."""
    for field in SMUGGLED:
        data.setdefault(field, world.carol_couple.pk if "couple" in field else world.carol.pk)
    return data


def test_profile_ignores_a_strangers_id_in_the_form(shared_world):
    world = shared_world
    response, _ = Requester(world.alice)(
        "POST", "/accounts/profile/", data=smuggle(world, display_name="Alice again")
    )
    assert response.status_code == 302
    world.carol.refresh_from_db()
    assert world.carol.display_name == "Carol"


def test_unlink_with_a_strangers_couple_id_ends_only_ones_own_couple(make_client, shared_world):
    world = shared_world
    response = make_client(world.alice).post("/unlink/", smuggle(world, confirm="on"))
    assert response.status_code == 302
    assert Couple.objects.get(pk=world.couple.pk).dissolved_at is not None
    assert Couple.objects.get(pk=world.carol_couple.pk).dissolved_at is None
    assert Membership.objects.current().filter(couple=world.carol_couple).count() == 2


def test_revoking_never_touches_a_strangers_invite(make_client, shared_world):
    world = shared_world
    erin = UserFactory(email="erin.idor@example.com")
    invite, _code = linking.create_invite(creator=erin)
    client = make_client(world.alice)
    data = smuggle(world, invite=invite.pk, creator=erin.pk, id=invite.pk, pk=invite.pk)
    assert client.post("/invite/revoke/", data).status_code == 302
    assert Invite.objects.open().filter(pk=invite.pk).exists()


# --- The journal's prefill from a decline card (?from_ask=<id>) ---------------------


def test_the_journal_prefills_only_from_a_card_received_in_ones_own_couple(shared_world):
    world = shared_world
    answered, foreign = world.objects["answered_ask"], world.foreign["answered_ask"]
    cards = [*MOMENT_CARD_CANARIES.values(), "Mmt7-carols-card"]
    # The control: bob, who asked, finds alice's card in his own journal's form.
    response, _ = Requester(world.bob)("GET", f"/reflections/?from_ask={answered.pk}")
    assert MOMENT_CARD_CANARIES["reason"] in response_text(response)
    problems = []
    for role, ask_id in (
        ("owner", foreign.pk),
        ("partner", foreign.pk),
        ("outsider", answered.pk),
        ("partner", world.objects["ask"].pk),  # alice's open ask: no card at all
        ("partner", 2**64 + 1),
        ("partner", "x"),
    ):
        path = f"/reflections/?from_ask={ask_id}"
        for method in ("GET", "HX-GET"):
            response, changed = Requester(world.user(role))(method, path, fingerprint=True)
            text = response_text(response)
            if response.status_code != 200 or changed:
                problems.append(f"{role} {method} {path}: {response.status_code} {changed}")
            problems.extend(f"{role} {method} {path}: carries {c}" for c in cards if c in text)
    assert not problems, "\n".join(problems)
