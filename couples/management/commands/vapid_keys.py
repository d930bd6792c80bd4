"""Print a new VAPID private key for VAPID_PRIVATE_KEY (and its public key).

Rotating it ends every device's subscription: browsers subscribed with the old
public key; the push services refuse the new signature (403), and the worker
removes those devices. People turn notifications on again on each device."""

from django.core.management.base import BaseCommand

from ...push import new_private_key, public_key_of, vapid_from


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push (VAPID_PRIVATE_KEY)."

    def handle(self, *args, **options):
        private = new_private_key()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stdout.write(
            f"# public key (browsers subscribe with it): {public_key_of(vapid_from(private))}"
        )
