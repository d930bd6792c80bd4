"""Backups restore, and every encrypted reflection reads back (docs/operations.md).

The real procedure, end to end: ``scripts/backup`` dumps the test database with
pg_dump, ``scripts/restore`` restores it with pg_restore into a fresh database,
and the app itself (``manage.py``, a separate process pointed at the restored
database) reads every reflection back through the model's field decryption —
rows sealed with an old key and with a new one in front (a rotation under way).
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from couples.services.reflections import write_reflection
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
TEXT_FIELDS = ("need_note", "old_story_note", "what_i_heard", "what_was_said", "body", "tags")
READ_BACK = (
    "import json; from couples.models import Reflection; print(json.dumps({str(r.pk): "
    "{f: getattr(r, f) for f in ('need', 'old_story', *" + repr(TEXT_FIELDS) + ")} "
    "for r in Reflection.objects.all()}))"
)


def _key(phrase):
    return base64.urlsafe_b64encode(hashlib.sha256(phrase.encode()).digest()).decode()


OLD_KEY, NEW_KEY = _key("backup test old key"), _key("backup test new key")


def _url(name):
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _admin(sql):
    db = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql)


def _run(command, *, database_url, keys=(), check=True):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_ENV")}
    env["DATABASE_URL"] = database_url
    if keys:
        env["FIELD_ENCRYPTION_KEYS"] = ",".join(keys)
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _manage(*args, **kwargs):
    return _run([sys.executable, "manage.py", *args], **kwargs)


def _write(author, tag):
    reflection = write_reflection(
        author=author,
        need="reassurance",
        old_story="matter_less",
        **{field: f"{tag} {field} backup-canary" for field in TEXT_FIELDS},
    )
    return str(reflection.pk), {
        "need": "reassurance",
        "old_story": "matter_less",
        **{field: f"{tag} {field} backup-canary" for field in TEXT_FIELDS},
    }


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    yield _url(name)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_dump_restores_into_a_fresh_database_and_every_reflection_reads_back(
    settings, tmp_path, restored_database
):
    alice, bob = UserFactory(), UserFactory()
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    written = dict(_write(person, f"old-{i}") for i, person in enumerate((alice, bob, alice)))
    # A rotation under way: the new key in front, the old one kept after it.
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    written.update(_write(person, f"new-{i}") for i, person in enumerate((bob, alice)))
    dump = tmp_path / "backup.dump"

    _run(["scripts/backup", str(dump)], database_url=_url(connection.settings_dict["NAME"]))

    # The dump holds only ciphertext of what people wrote.
    as_sql = subprocess.run(
        ["pg_restore", "--file=-", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    assert "backup-canary" not in as_sql and alice.email in as_sql

    restore = _run(
        ["scripts/restore", str(dump), restored_database],
        database_url=restored_database,
        keys=(NEW_KEY, OLD_KEY),
    )
    assert "all 40 encrypted values decrypt" in restore.stdout  # 5 rows x 8 fields
    assert "backup-canary" not in restore.stdout + restore.stderr
    read = _manage(
        "shell",
        "--no-imports",
        "-c",
        READ_BACK,
        database_url=restored_database,
        keys=(NEW_KEY, OLD_KEY),
    )
    assert json.loads(read.stdout) == written

    # Without the old key, the rows it sealed cannot be read: it must be backed up
    # with the new one until the rotation has re-sealed everything.
    missing = _manage(
        "verify_field_encryption", database_url=restored_database, keys=(NEW_KEY,), check=False
    )
    assert missing.returncode != 0
    assert "3 rows hold values no configured key can decrypt" in missing.stderr
    assert "backup-canary" not in missing.stdout + missing.stderr

    # Finishing the rotation on the restored copy: then the new key alone reads it all.
    _manage("rotate_field_encryption", database_url=restored_database, keys=(NEW_KEY, OLD_KEY))
    _manage("verify_field_encryption", database_url=restored_database, keys=(NEW_KEY,))
    read = _manage(
        "shell", "--no-imports", "-c", READ_BACK, database_url=restored_database, keys=(NEW_KEY,)
    )
    assert json.loads(read.stdout) == written


def test_restore_refuses_a_database_that_already_holds_tables(settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    _write(UserFactory(), "kept")
    live = _url(connection.settings_dict["NAME"])
    dump = tmp_path / "backup.dump"
    _run(["scripts/backup", str(dump)], database_url=live)

    refused = _run(["scripts/restore", str(dump), live], database_url=live, check=False)

    assert refused.returncode == 3
    assert "restore into an empty one" in refused.stderr
