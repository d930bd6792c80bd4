"""`manage.py health`: the readiness checks of /healthz/ready, for a process that
serves no HTTP (the worker's container health check). Prints the same JSON;
exits 1 when a dependency does not answer."""

import json
import sys

from django.core.management.base import BaseCommand

from config.health import readiness


class Command(BaseCommand):
    help = "Check that PostgreSQL (and Redis, when used) answer; exit 1 if not"

    def handle(self, *args, **options):
        results, ok = readiness()
        self.stdout.write(json.dumps({"status": "ok" if ok else "unavailable", **results}))
        if not ok:
            sys.exit(1)
