# Importing the area modules registers their dashboard parts (couples.parts).
# Placeholders first, so an area's own registration replaces its placeholder.
from . import sections  # noqa: F401  isort: skip
from . import (  # noqa: F401
    alternatives,
    brief,
    dashboard,
    linking,
    privacy,
    reflections,
    statements,
    therapy,
    timing,
)
