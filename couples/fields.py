"""Encryption at rest for the most private text: one model field, used by every
free-text column of a private reflection.

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256, i.e. authenticated)
through ``MultiFernet``: the first key of ``FIELD_ENCRYPTION_KEYS`` encrypts,
every key decrypts, so a new key can be put in front and old rows are still
read until ``manage.py rotate_field_encryption`` re-seals them. A value that
fails authentication (tampered, truncated, or sealed with an unknown key)
raises ``UndecryptableValue``: it is never shown raw, never silently emptied.
"""

from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import validators
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

from config.devkeys import dev_secret

DEV_KEY_FILE = Path(settings.BASE_DIR) / "var" / "dev-field-encryption.key"


class UndecryptableValue(Exception):
    """A stored value could not be authenticated with any configured key.

    The message never carries the stored value or any part of it.
    """


def _dev_key():
    """The development-only key: generated once into var/ (gitignored)."""
    return dev_secret(DEV_KEY_FILE, make=lambda: Fernet.generate_key().decode())


def field_encryption_keys():
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or [])
    if keys:
        return tuple(keys)
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS in production.")
    return (_dev_key(),)


@lru_cache(maxsize=8)
def _multifernet(keys):
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        # Never echo the key itself.
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys "
            "(32 url-safe base64-encoded bytes each)."
        ) from exc


def fernet():
    """The MultiFernet for the keys configured right now (cached per key set)."""
    return _multifernet(field_encryption_keys())


def encrypt_text(text):
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token):
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, AttributeError):
        # ``from None``: the traceback carries no part of the stored value.
        raise UndecryptableValue(
            "An encrypted value could not be authenticated with any configured key "
            "(tampered, or sealed with a key that is no longer configured)."
        ) from None


def reencrypt_token(token):
    """Re-seal a stored token with the newest key (raises if undecryptable)."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError, AttributeError):
        raise UndecryptableValue(
            "An encrypted value could not be authenticated with any configured key."
        ) from None


class EncryptedTextField(models.TextField):
    """Text that lives in Python as plain ``str`` and in the database only as a
    Fernet token. ``max_length`` limits the plain text (forms and ``full_clean``).

    Encrypted columns cannot be searched or ordered meaningfully: every lookup
    but ``isnull`` is refused, so no query can quietly compare ciphertexts.
    """

    description = "Text encrypted at rest (Fernet)"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(f"Encrypted field {self.name!r} cannot be searched ({lookup_name}).")
        return super().get_lookup(lookup_name)

    def value_to_string(self, obj):
        # Serialisers (dumpdata) get the sealed token, never the plain text; such a
        # dump is not meant for loaddata (back up with pg_dump, which keeps tokens).
        value = self.value_from_object(obj)
        return None if value is None else encrypt_text(value)


def check_field_encryption_keys(app_configs=None, **kwargs):
    """System check: configured keys must be valid Fernet keys (checked at start-up
    rather than at the first save of someone's journal)."""
    from django.core.checks import Error

    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or [])
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            errors.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS entry {position} is not a valid Fernet key.",
                    hint="Generate one with: python -c 'from cryptography.fernet import "
                    "Fernet; print(Fernet.generate_key().decode())'",
                    id="couples.E001",
                )
            )
    return errors
