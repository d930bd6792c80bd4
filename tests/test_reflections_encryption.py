"""Encryption at rest of private reflections (couples/fields.py)."""

import base64
import hashlib
import os
import subprocess
import sys
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection

from couples import fields
from couples.fields import UndecryptableValue
from couples.models import Reflection
from couples.services.reflections import write_reflection

CANARY = "zq-canary-7f3e9c1b-secret-journal"


def _key(phrase):
    return base64.urlsafe_b64encode(hashlib.sha256(phrase.encode()).digest()).decode()


OLD_KEY, NEW_KEY = _key("old key"), _key("new key")


def raw_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM couples_reflection")
        return cursor.fetchall()


def raw_dump():
    return repr(raw_rows())


@pytest.fixture
def canary_reflection(alice):
    return write_reflection(
        author=alice,
        need="reassurance",
        need_note=f"need {CANARY}",
        old_story="matter_less",
        old_story_note=f"story {CANARY}",
        what_i_heard=f"heard {CANARY}",
        what_was_said=f"said {CANARY}",
        body=f"body {CANARY}",
        tags=f"tag-{CANARY}, evening",
    )


def test_reflection_text_round_trips_through_the_database(canary_reflection):
    fresh = Reflection.objects.get(pk=canary_reflection.pk)
    assert fresh.body == f"body {CANARY}"
    assert fresh.what_i_heard == f"heard {CANARY}"
    assert fresh.need == "reassurance"
    assert fresh.tag_list == [f"tag-{CANARY}", "evening"]


def test_raw_sql_dump_of_reflections_table_holds_no_plaintext(canary_reflection):
    dump = raw_dump()
    assert CANARY not in dump
    assert "reassurance" not in dump  # even the chosen prompts are sealed
    assert "matter_less" not in dump
    assert "evening" not in dump
    # and the stored values are Fernet tokens
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM couples_reflection WHERE id = %s", [canary_reflection.pk])
        (token,) = cursor.fetchone()
    assert token.startswith("gAAAA")


def test_same_text_encrypts_differently_each_time(alice):
    one = write_reflection(author=alice, body="same words")
    two = write_reflection(author=alice, body="same words")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM couples_reflection WHERE id IN (%s, %s)", [one.pk, two.pk])
        tokens = {row[0] for row in cursor.fetchall()}
    assert len(tokens) == 2


def test_tampered_value_raises_and_is_never_shown_raw(canary_reflection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM couples_reflection WHERE id = %s", [canary_reflection.pk])
        (token,) = cursor.fetchone()
        raw = bytearray(base64.urlsafe_b64decode(token))
        raw[-40] ^= 0x01  # flip one bit of the ciphertext
        tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
        cursor.execute(
            "UPDATE couples_reflection SET body = %s WHERE id = %s",
            [tampered, canary_reflection.pk],
        )
    with pytest.raises(UndecryptableValue) as caught:
        Reflection.objects.get(pk=canary_reflection.pk)
    assert tampered not in str(caught.value)
    assert caught.value.__cause__ is None


def test_value_sealed_with_an_unknown_key_raises(alice, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    reflection = write_reflection(author=alice, body="written under the old key")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(UndecryptableValue):
        Reflection.objects.get(pk=reflection.pk)


def test_plain_text_planted_in_the_column_raises_instead_of_showing(alice, canary_reflection):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE couples_reflection SET body = %s WHERE id = %s",
            ["not a token at all", canary_reflection.pk],
        )
    with pytest.raises(UndecryptableValue):
        Reflection.objects.get(pk=canary_reflection.pk)


def test_rotation_reads_old_keys_and_command_reseals_with_newest(alice, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    reflections = [write_reflection(author=alice, body=f"entry {i} {CANARY}") for i in range(3)]
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    # Old rows are still read with the new key in front.
    assert Reflection.objects.get(pk=reflections[0].pk).body == f"entry 0 {CANARY}"
    out = StringIO()
    call_command("rotate_field_encryption", stdout=out)
    assert "3 rows re-encrypted" in out.getvalue()
    assert CANARY not in out.getvalue()
    # Now the old key can be dropped.
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    bodies = sorted(Reflection.objects.values_list("body", flat=True))
    assert bodies == [f"entry {i} {CANARY}" for i in range(3)]
    assert CANARY not in raw_dump()
    for row in raw_rows():
        for value in row:
            if isinstance(value, str) and value.startswith("gAAAA"):
                Fernet(NEW_KEY).decrypt(value.encode())  # raises if not resealed


def test_rotation_command_stops_on_an_undecryptable_row_and_changes_nothing(alice, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    reflection = write_reflection(author=alice, body="old")
    before = raw_rows()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key was lost
    with pytest.raises(CommandError) as caught:
        call_command("rotate_field_encryption", stdout=StringIO())
    assert f"id {reflection.pk}" in str(caught.value)
    assert raw_rows() == before


def test_encrypted_fields_refuse_to_be_searched(alice):
    with pytest.raises(FieldError):
        list(Reflection.objects.filter(body__icontains="x"))
    assert Reflection.objects.filter(body__isnull=False).count() == 0


def test_serialised_reflections_carry_tokens_not_text(canary_reflection):
    out = StringIO()
    call_command("dumpdata", "couples.reflection", stdout=out)
    assert CANARY not in out.getvalue()
    assert "gAAAA" in out.getvalue()


def test_max_length_is_enforced_on_plain_text(alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        write_reflection(author=alice, what_i_heard="x" * 2001)
    assert Reflection.objects.count() == 0


def test_development_key_is_generated_once_into_var(tmp_path, monkeypatch, settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.PRODUCTION = False
    key_file = tmp_path / "var" / "dev-field-encryption.key"
    monkeypatch.setattr(fields, "DEV_KEY_FILE", key_file)
    first = fields.field_encryption_keys()
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert fields.field_encryption_keys() == first
    Fernet(first[0])  # a valid key
    assert fields.decrypt_text(fields.encrypt_text("hello")) == "hello"


def test_no_key_outside_development_is_refused(settings, monkeypatch, tmp_path):
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.PRODUCTION = True
    monkeypatch.setattr(fields, "DEV_KEY_FILE", tmp_path / "never.key")
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        fields.encrypt_text("x")
    assert not (tmp_path / "never.key").exists()


def test_production_settings_refuse_to_start_without_field_keys():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"FIELD_ENCRYPTION_KEYS", "DEBUG"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="x" * 64,
        ALLOWED_HOSTS="example.com",
        DJANGO_SETTINGS_MODULE="config.settings",
        CHANNEL_LAYER_ENCRYPTION_KEYS="layer-key",
        VAPID_PRIVATE_KEY="pGvFOg35uetAj3IL49KIA1HdrK3FMHi2xkYRDjCNFe4",
    )
    probe = "import config.settings"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr
    env["FIELD_ENCRYPTION_KEYS"] = NEW_KEY
    ok = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr


def test_system_check_reports_an_invalid_key_without_showing_it(settings):
    from couples.fields import check_field_encryption_keys

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, "not-a-fernet-key"]
    errors = check_field_encryption_keys()
    assert [e.id for e in errors] == ["couples.E001"]
    assert "entry 2" in errors[0].msg
    assert "not-a-fernet-key" not in errors[0].msg
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert check_field_encryption_keys() == []
