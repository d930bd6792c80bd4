"""Sections of the shared space that are still to come: they render a clearly
labelled placeholder and need no context. Each area replaces its registration
with a real builder in its own views module."""

from .. import parts

for _name in ("statements", "timing", "alternatives", "reflections", "therapy"):
    parts.register(_name, f"couples/sections/{_name}.html")(lambda request, space: {})
