"""Prove that every encrypted value in the database can be read with the keys
configured now (FIELD_ENCRYPTION_KEYS), e.g. right after restoring a backup.

Each stored token is decrypted through the same function the model field uses
and thrown away: nothing decrypted is printed or kept. A value no configured key
can authenticate is reported by table and id only, and the command fails
(exit status 1) after counting them all. Read-only.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from couples.fields import UndecryptableValue, decrypt_text

from .rotate_field_encryption import BATCH, encrypted_models


class Command(BaseCommand):
    help = "Check that every encrypted value decrypts with the configured FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        total, failed = 0, []
        for model, fields in encrypted_models():
            read, unreadable = self._verify_model(model, fields)
            total += read
            failed.extend(f"{model._meta.label} id {pk}" for pk in unreadable)
            self.stdout.write(f"{model._meta.label}: {read} values read, {len(unreadable)} not.")
        if failed:
            shown = ", ".join(failed[:20]) + (" …" if len(failed) > 20 else "")
            raise CommandError(
                f"{len(failed)} rows hold values no configured key can decrypt: {shown}. "
                "Is a key missing from FIELD_ENCRYPTION_KEYS (an older one, before rotation)?"
            )
        self.stdout.write(self.style.SUCCESS(f"Done: all {total} encrypted values decrypt."))

    def _verify_model(self, model, fields):
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        columns = [connection.ops.quote_name(f.column) for f in fields]
        # Identifiers come from model metadata, quoted; values are parameters.
        select = f"SELECT {pk}, {', '.join(columns)} FROM {table} WHERE {pk} > %s"  # noqa: S608
        select += f" ORDER BY {pk} LIMIT {BATCH}"
        last, read, unreadable = 0, 0, []
        with connection.cursor() as cursor:
            while True:
                cursor.execute(select, [last])
                rows = cursor.fetchall()
                if not rows:
                    return read, unreadable
                for row_pk, *tokens in rows:
                    try:
                        for token in tokens:
                            if token is not None:
                                decrypt_text(token)
                                read += 1
                    except UndecryptableValue:
                        unreadable.append(row_pk)
                last = rows[-1][0]
