"""A linked couple with a lived-in space, to try the app (and for the
benchmarks and screenshots): statements both ways, both weeks, agreed
alternatives, a session with an agenda, and one private reflection of the
first person's.

    manage.py demo_space [--first alice@example.com] [--second bob@example.com]
                         [--password "..."]

Safe to run again: existing people are reused, a space already furnished is
left as it is. Refuses to run in production.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from couples.demo import add_history, furnish, linked_pair, person
from couples.models import Statement

DEFAULT_PASSWORD = "demo password, not for real use"  # noqa: S105  demo accounts only


class Command(BaseCommand):
    help = "Make (or reuse) two linked demo people with a furnished shared space."

    def add_arguments(self, parser):
        parser.add_argument("--first", default="alice@example.com")
        parser.add_argument("--second", default="bob@example.com")
        parser.add_argument("--first-name", default="Alice")
        parser.add_argument("--second-name", default="Bob")
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            help="also add this many retired statements, answered questions, past "
            "sessions and discussed topics (to see the dashboard stay the same size)",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not getattr(settings, "DEMO_SPACE_ALLOWED", False):
            raise CommandError("demo_space makes demo accounts: never in production.")
        alice = person(options["first"], options["first_name"], options["password"])
        bob = person(options["second"], options["second_name"], options["password"])
        linked_pair(alice, bob)
        if Statement.objects.filter(author=alice).exists():
            self.stdout.write("The demo space is already furnished.")
        else:
            furnish(alice, bob)
            self.stdout.write("Furnished a shared space for the two demo people.")
        if options["history"]:
            add_history(alice, bob, options["history"])
            self.stdout.write(f"Added {options['history']} history items of each kind.")
        self.stdout.write(
            f"Log in as {alice.email} or {bob.email} with the password {options['password']!r}."
        )
        return ""
