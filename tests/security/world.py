"""The world every attack test runs in, and the canaries planted in it.

Four roles: ``anonymous``; ``owner`` (alice, who owns the planted things);
``partner`` (bob, linked with alice); ``outsider`` (carol, linked with dave: a
stranger with a space of her own, so her own ids are valid and only
object-level checks stop her from reaching alice's).

To make a new kind of content join the suite, add a *planter* below: it creates
alice's object (and, for IDOR tests, the same kind of object for the stranger
carol), registers them by name, and returns the canaries planted in them with
the roles allowed to see each one. The URL table (``url_table.py``) then builds
URLs from ``world.objects[<name>]`` (alice's) and ``world.foreign[<name>]``
(carol's).
"""

from dataclasses import dataclass, field

from tests.factories import UserFactory, link

ROLES = ("anonymous", "owner", "partner", "outsider")
EVERYONE = frozenset(ROLES)
COUPLE = frozenset({"owner", "partner"})
OWNER_ONLY = frozenset({"owner"})


@dataclass(frozen=True)
class Canary:
    """A string planted in alice's data; only ``visible_to`` roles may receive it."""

    text: str
    visible_to: frozenset
    what: str


@dataclass
class World:
    alice: object
    bob: object
    carol: object
    dave: object
    couple: object
    carol_couple: object
    objects: dict = field(default_factory=dict)  # name -> alice's object
    foreign: dict = field(default_factory=dict)  # name -> the stranger carol's object
    canaries: list = field(default_factory=list)

    def user(self, role):
        return {
            "anonymous": None,
            "owner": self.alice,
            "partner": self.bob,
            "outsider": self.carol,
        }[role]

    def hidden_from(self, role):
        return [c for c in self.canaries if role not in c.visible_to]


PLANTERS = []


def planter(fn):
    """Register ``fn(world) -> iterable of Canary``; it may fill world.objects/foreign."""
    PLANTERS.append(fn)
    return fn


@planter
def alice_account(world):
    # Her display name is shown to her partner (that is its purpose), never to a stranger.
    yield Canary(world.alice.display_name, COUPLE, "alice's display name")
    # Her sign-in address is hers alone: her partner never needs it.
    yield Canary(world.alice.email, OWNER_ONLY, "alice's email address")


def build_world():
    alice = UserFactory(email="alice.qz7canary@example.com", display_name="Alice Qz7-canary")
    bob = UserFactory(email="bob.security@example.com", display_name="Bob")
    carol = UserFactory(email="carol.security@example.com", display_name="Carol")
    dave = UserFactory(email="dave.security@example.com", display_name="Dave")
    world = World(
        alice=alice,
        bob=bob,
        carol=carol,
        dave=dave,
        couple=link(alice, bob),
        carol_couple=link(carol, dave),
    )
    for plant in PLANTERS:
        world.canaries.extend(plant(world) or ())
    return world
