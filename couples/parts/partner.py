"""The partner bar: whom I share this space with (and whether they are here)."""

from ..access import Space
from .base import Part

DASHBOARD = "couples/dashboard.html"


def build(space: Space, rows, *, request=None) -> dict:
    return {}


PART = Part("partner", DASHBOARD, build=build)
