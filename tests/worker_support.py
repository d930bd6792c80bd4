"""A real worker process (``manage.py db_worker`` or ``manage.py worker``) on the
test database, for tests marked ``django_db(transaction=True)``: rows the test
commits are what the worker sees, and what the worker commits, the test reads."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parent.parent


def database_url_for_processes():
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, command, *, log_path, env=None, args=()):
        self.command = command
        self.log_path = Path(log_path)
        self.env = env or {}
        self.args = list(args)
        self.process = None

    def start(self):
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=database_url_for_processes(),
            FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.env)
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the process's life)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                self.command,
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
                *self.args,
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for(self, condition, *, timeout=30.0, what="the worker"):
        """Poll ``condition`` until it is true (the worker is another process)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                raise AssertionError(f"{what}: the worker exited. Its log:\n{self.log()}")
            time.sleep(0.05)
        raise AssertionError(f"{what}: not done in {timeout} s. The worker's log:\n{self.log()}")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
