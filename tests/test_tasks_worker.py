"""Background work runs in a real worker process on the test database.

Requests only queue mail (accounts/mail.py); ``manage.py db_worker`` sends it
through the delivery backend (here Django's file backend into a folder of this
test, the one check that crosses processes) and deletes the queued copy. The
worker's schedule (``manage.py worker``) clears expired sessions.
"""

import email
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import tasks
from accounts.mail import mail_from_json, mail_to_json
from tests.factories import UserFactory
from tests.worker_support import REPO, WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough password 8842"
CONFIRM = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s<>\"']+/)")
RESET = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s<>\"']+/)")


@pytest.fixture
def queued_mail(settings):
    """Mail as production sends it: queued (pytest-django swaps in locmem otherwise)."""
    settings.EMAIL_BACKEND = "accounts.mail.QueuedEmailBackend"


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def db_worker(tmp_path, mail_dir):
    worker = WorkerProcess(
        "db_worker",
        log_path=tmp_path / "worker.log",
        env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
    ).start()
    yield worker
    worker.stop()


def mails_in(folder):
    found = []
    for path in sorted(folder.iterdir()):
        for chunk in path.read_text("utf-8", "replace").split("-" * 79):
            if chunk.strip():
                found.append(email.message_from_string(chunk.strip()))
    return found


def text_of(message):
    return "\n".join(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )


def test_a_signup_mail_is_queued_then_sent_by_the_worker_and_forgotten(
    make_client, queued_mail, db_worker, mail_dir
):
    client = make_client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.com",
            "display_name": "New",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302

    sent = db_worker.wait_for(lambda: mails_in(mail_dir), what="the confirmation mail")
    assert len(sent) == 1 and sent[0]["To"] == "new.person@example.com"
    link = CONFIRM.search(text_of(sent[0]))
    assert link, text_of(sent[0])
    # Nothing of the mail stays in the queue once it is sent.
    db_worker.wait_for(lambda: not DBTaskResult.objects.exists(), what="forgetting the mail")

    # The link the worker sent works.
    assert client.post(link.group(1)).status_code == 302
    assert client.get("/").status_code == 200


def test_a_password_reset_mail_is_sent_by_the_worker(make_client, queued_mail, db_worker, mail_dir):
    UserFactory(email="reset.me@example.com")
    response = make_client().post("/accounts/password/reset/", {"email": "reset.me@example.com"})
    assert response.status_code == 302
    sent = db_worker.wait_for(lambda: mails_in(mail_dir), what="the reset mail")
    assert sent[0]["To"] == "reset.me@example.com"
    assert RESET.search(text_of(sent[0]))
    db_worker.wait_for(lambda: not DBTaskResult.objects.exists(), what="forgetting the mail")


def test_a_request_only_queues_the_mail_as_the_tasks_only_argument(make_client, queued_mail):
    """No worker runs here: the mail waits in the queue, and it is all the task holds."""
    make_client().post(
        "/accounts/signup/",
        {
            "email": "queued@example.com",
            "display_name": "Queued",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    (row,) = DBTaskResult.objects.all()
    assert row.task_path == "accounts.tasks.send_email"
    assert row.args_kwargs["args"] == []
    assert set(row.args_kwargs["kwargs"]) == {"message"}
    assert row.args_kwargs["kwargs"]["message"]["to"] == ["queued@example.com"]


def test_a_mail_survives_the_json_round_trip():
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives(
        "Subject ü", "Body ✓", "from@example.com", ["to@example.com"], cc=["cc@example.com"]
    )
    original.attach_alternative("<p>Body ✓</p>", "text/html")
    original.attach("notes.txt", "text", "text/plain")
    original.attach("blob.bin", b"\x00\xff", "application/octet-stream")
    copy = mail_from_json(mail_to_json(original))
    assert copy.message().as_bytes().split(b"\n\n", 1)[1].count(b"Content-Type") == (
        original.message().as_bytes().split(b"\n\n", 1)[1].count(b"Content-Type")
    )
    assert (copy.subject, copy.body, copy.to, copy.cc) == (
        original.subject,
        original.body,
        original.to,
        original.cc,
    )
    assert copy.alternatives == original.alternatives
    assert [a[:2] for a in copy.attachments] == [a[:2] for a in original.attachments]


def test_a_failed_delivery_is_queued_again_later(settings):
    """SMTP refusing (nothing listens on port 9): the mail is queued again for later."""
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    message = {**mail_to_json(_mail()), "to": ["someone@example.com"]}
    tasks.send_email.call(message=message)
    (again,) = DBTaskResult.objects.all()
    assert again.args_kwargs["kwargs"] == {"message": message, "attempt": 2}
    assert again.run_after > timezone.now() + timedelta(minutes=1)
    with pytest.raises(ConnectionRefusedError):
        tasks.send_email.call(message=message, attempt=tasks.MAIL_ATTEMPTS)


def _mail():
    from django.core.mail import EmailMessage

    return EmailMessage("s", "b", "from@example.com", ["x@example.com"])


def _session_for(user, *, expired):
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    if expired:
        Session.objects.filter(pk=store.session_key).update(
            expire_date=timezone.now() - timedelta(days=1)
        )
    UserSession.objects.create(user=user, session_key=store.session_key, ip="127.0.0.1")
    return store.session_key


def test_the_worker_clears_expired_sessions_on_its_schedule(tmp_path):
    alice = UserFactory()
    expired = [_session_for(alice, expired=True) for _ in range(3)]
    live = _session_for(alice, expired=False)
    worker = WorkerProcess("worker", log_path=tmp_path / "worker.log").start()
    try:
        worker.wait_for(
            lambda: (
                not Session.objects.filter(pk__in=expired).exists()
                and not UserSession.objects.filter(session_key__in=expired).exists()
            ),
            what="clearing expired sessions",
        )
        assert Session.objects.filter(pk=live).exists()
        assert UserSession.objects.filter(session_key=live).exists()
        # The next run waits, one interval later.
        next_run = worker.wait_for(
            lambda: DBTaskResult.objects.filter(
                task_path="accounts.tasks.clear_expired_sessions", status="READY"
            ).first(),
            what="the next clean-up",
        )
        assert next_run.run_after > timezone.now() + timedelta(minutes=50)
    finally:
        worker.stop()


def test_failed_tasks_are_pruned_after_their_retention():
    old = tasks.send_email.enqueue(message=mail_to_json(_mail()))
    recent = tasks.send_email.enqueue(message=mail_to_json(_mail()))
    DBTaskResult.objects.filter(id=old.id).update(
        status="FAILED", finished_at=timezone.now() - timedelta(days=4)
    )
    DBTaskResult.objects.filter(id=recent.id).update(status="FAILED", finished_at=timezone.now())
    tasks.prune_task_results.call()
    assert list(DBTaskResult.objects.values_list("id", flat=True)) == [
        DBTaskResult.objects.get(id=recent.id).id
    ]


def test_scripts_dev_runs_the_worker_beside_the_server_and_stops_it_with_ctrl_c(tmp_path):
    """The README's one command: on SQLite with no services, a queued mail is
    printed by the worker it started; Ctrl+C stops the server and the worker."""
    import pty
    import select
    import signal
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SQLITE_PATH=str(tmp_path / "dev.sqlite3"), PORT=str(port))
    pid, fd = pty.fork()
    if pid == 0:  # the child: scripts/dev on a terminal, as a person runs it
        os.chdir(REPO)
        os.execvpe("scripts/dev", ["scripts/dev"], env)  # noqa: S606
    output = b""

    def read_until(needle, timeout):
        nonlocal output
        deadline = time.monotonic() + timeout
        while needle not in output and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    output += os.read(fd, 65536)
                except OSError:
                    break
        return needle in output

    try:
        assert read_until(b"Starting worker", 120), output.decode(errors="replace")[-3000:]
        assert read_until(b"Quit the server", 60), output.decode(errors="replace")[-3000:]
        subprocess.run(
            [
                *(sys.executable, "manage.py", "shell", "-c"),
                "from django.core.mail import send_mail; "
                "send_mail('Queued in dev Wd31', 'b', 'a@example.com', ['b@example.com'])",
            ],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
        assert read_until(b"Queued in dev Wd31", 30), output.decode(errors="replace")[-3000:]
        ours = _workers_on(env["SQLITE_PATH"])
        assert ours, "no worker process runs on this database"
        os.write(fd, b"\x03")  # Ctrl+C
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and os.waitpid(pid, os.WNOHANG) == (0, 0):
            read_until(b"never", 0.2)
        assert _workers_on(env["SQLITE_PATH"]) == [], "the worker outlived scripts/dev"
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)


def _workers_on(sqlite_path):
    """Worker processes started with this database (others may run on this machine)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"manage.py\x00worker" in command and sqlite_path.encode() in environ:
            found.append(int(entry.name))
    return found
