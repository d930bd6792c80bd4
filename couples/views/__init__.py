# Importing the area modules registers their dashboard parts (couples.parts).
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
