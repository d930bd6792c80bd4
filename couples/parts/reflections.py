"""My reflections, on my own dashboard only (never the partner's, never a
couple frame)."""

from accounts.reauth import is_fresh

from ..access import Space, own_reflections
from .base import USER, Part

DASHBOARD_RECENT = 3


def build(space: Space | None, rows, *, request=None) -> dict:
    """Once the owner's confirmation has lapsed (on this device's session) the
    part holds no reflection text at all."""
    if request is None or not is_fresh(request):
        return {"journal_open": False, "recent_reflections": []}
    recent = list(own_reflections(request.user)[:DASHBOARD_RECENT])
    return {"journal_open": True, "recent_reflections": recent}


PART = Part("reflections", "couples/sections/reflections.html", build=build, scope=USER)
