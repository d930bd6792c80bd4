"""Development-only secrets, generated once into var/ (gitignored).

Production refuses to start without the real ones in the environment; a
development machine (and every process of the test suite on it) shares one
generated file per secret instead.
"""

import os
import secrets
from pathlib import Path

VAR = Path(__file__).resolve().parent.parent / "var"


def dev_secret(name: str | Path, make=lambda: secrets.token_urlsafe(32)) -> str:
    """The secret stored in ``var/<name>`` (or at the path given), made (by
    ``make``) the first time. Two processes starting at once agree: only one
    file is ever created."""
    path = name if isinstance(name, Path) else VAR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(make() + "\n")
    return path.read_text().strip()
