"""Invite codes: the alphabet, making one, and reading one back as typed."""

import secrets

# No 0/O, 1/I/L: the code is read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str | None) -> str:
    """What a person typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in (raw or "").upper() if not ch.isspace() and ch != "-")


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"
