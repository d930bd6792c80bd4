"""Re-seal every encrypted value with the newest key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (old keys after it),
deploy, run this command, then drop the old keys. Tokens are re-sealed without
the plain text ever leaving the cryptography library. A value that no
configured key can authenticate stops the command (nothing is rewritten in
that batch) and is reported by table and id only.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from couples.fields import EncryptedTextField, UndecryptableValue, reencrypt_token

BATCH = 500


def encrypted_models():
    for model in apps.get_models():
        names = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        total = 0
        for model, fields in encrypted_models():
            rewritten = self._rotate_model(model, fields)
            total += rewritten
            self.stdout.write(f"{model._meta.label}: {rewritten} rows re-encrypted.")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows re-encrypted."))

    def _rotate_model(self, model, fields):
        # Raw column values (the tokens), read and written around the field's own
        # encrypt/decrypt so no plain text is materialised here.
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        columns = [connection.ops.quote_name(f.column) for f in fields]
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Identifiers come from model metadata, quoted; values are parameters.
        select = f"SELECT {pk}, {', '.join(columns)} FROM {table} WHERE {pk} > %s"  # noqa: S608
        select += f" ORDER BY {pk} LIMIT {BATCH}{lock}"
        assignments = ", ".join(f"{c} = %s" for c in columns)
        update = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
        last, count = 0, 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [last])
                rows = cursor.fetchall()
                if not rows:
                    return count
                for row_pk, *tokens in rows:
                    try:
                        fresh = [None if t is None else reencrypt_token(t) for t in tokens]
                    except UndecryptableValue:
                        raise CommandError(
                            f"{model._meta.label} id {row_pk}: a value cannot be decrypted with "
                            "any configured key. Nothing in this batch was changed."
                        ) from None
                    cursor.execute(update, [*fresh, row_pk])
                    count += 1
                last = rows[-1][0]
