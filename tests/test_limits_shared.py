"""Limits that hold once for every server process (issue 13, item 1).

allauth's rate limits and the brief PDF limit count in the default cache. With
REDIS_URL that cache is Redis (config/cache.py), so two gunicorn processes on
the test database and the suite's Redis share one count. While Redis is
unreachable each process counts in its own memory: the limit still holds (per
process) and nothing answers 500.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError

from config.cache import DegradingRedisCache
from tests.server_processes import database_url_for_servers, free_port, stop, wait_for_port
from tests.worker_support import WorkerProcess

ROOT = Path(__file__).resolve().parent.parent
RESETS_PER_MINUTE = 5  # allauth's "reset_password" rate per address: 5/m/key

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL")


def start_gunicorns(count, *, redis_url, mail_dir):
    """``count`` gunicorn masters of one worker each (the production config
    file), on the test database: a request to a port reaches that process."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_servers(),
        "REDIS_URL": redis_url,
        "DATABASE_POOL_MIN": "1",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ENV", None)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    ports = [free_port() for _ in range(count)]
    processes = []
    for port in ports:
        command = [gunicorn, "config.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
        processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
            )
        )
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for_port(port, process)
    except BaseException:
        stop(processes)
        raise
    return ports, processes


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


def mails_sent(mail_dir):
    return sum(
        len(re.findall(r"^Subject: ", path.read_text(), re.MULTILINE))
        for path in mail_dir.iterdir()
    )


def delivered(mail_dir, log_dir):
    """The servers only queue mail (accounts/mail.py): a real worker sends what
    was queued into ``mail_dir``; the number of mails, once the queue is empty."""
    from django_tasks_db.models import DBTaskResult

    worker = WorkerProcess(
        "db_worker",
        log_path=log_dir / "worker.log",
        env={
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
    ).start()
    try:
        worker.wait_for(lambda: not DBTaskResult.objects.exists(), what="the queued mail")
    finally:
        worker.stop()
    return mails_sent(mail_dir)


class Browser:
    """One browser talking to one server process (its own CSRF cookie)."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = requests.Session()
        page = self.session.get(f"{self.base}/accounts/password/reset/", timeout=10)
        assert page.status_code == 200

    def reset_password(self, email):
        return self.session.post(
            f"{self.base}/accounts/password/reset/",
            data={"email": email, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=10,
        ).status_code

    def log_in(self, email, password):
        return self.session.post(
            f"{self.base}/accounts/login/",
            data={
                "login": email,
                "password": password,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=30,
        ).status_code


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_password_reset_limit_is_one_count_across_two_server_processes(alice, mail_dir, tmp_path):
    """Seven reset requests for one address, alternating between two processes
    (4 to one, 3 to the other): per-process counting let all seven through and
    sent seven emails; one shared count sends five and refuses the rest."""
    ports, processes = start_gunicorns(2, redis_url=settings.REDIS_URL, mail_dir=mail_dir)
    try:
        browsers = [Browser(port) for port in ports]
        answers = [
            browsers[attempt % 2].reset_password(alice.email)
            for attempt in range(RESETS_PER_MINUTE + 2)
        ]
    finally:
        stop(processes)
    assert answers == [302] * RESETS_PER_MINUTE + [429, 429]
    assert delivered(mail_dir, tmp_path) == RESETS_PER_MINUTE


@pytest.mark.django_db(transaction=True)
def test_with_redis_unreachable_nothing_fails_and_each_process_still_limits(
    alice, mail_dir, tmp_path
):
    """REDIS_URL names a port where nothing listens: the reset form, resets and
    wrong passwords all answer as usual (no 500); the reset limit still holds,
    counted in the process's own memory, and so does the login cool-off."""
    down = f"redis://127.0.0.1:{free_port()}/0"
    ports, processes = start_gunicorns(1, redis_url=down, mail_dir=mail_dir)
    try:
        browser = Browser(ports[0])
        answers = [browser.reset_password(alice.email) for _ in range(RESETS_PER_MINUTE + 2)]
        wrong_passwords = [
            browser.log_in(alice.email, "not the password at all")
            for _ in range(settings.AXES_FAILURE_LIMIT + 1)
        ]
    finally:
        stop(processes)
    assert answers == [302] * RESETS_PER_MINUTE + [429, 429]
    assert delivered(mail_dir, tmp_path) == RESETS_PER_MINUTE
    # The form again with its error, then axes' cool-off: password guessing is
    # counted in PostgreSQL, whatever Redis does.
    assert wrong_passwords == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429, 429]


# --- The cache itself, on a Redis of this test's own that it stops and starts ----


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server on a free port (never the shared one), with start/stop."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()

    class OwnRedis:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(
                [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
            )
            wait_for_port(port, self.process)

        def stop(self):
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)

    redis = OwnRedis()
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.stop()


def limit_cache(url):
    """The default cache as settings build it with REDIS_URL, in a fresh
    instance (as another process would have), retrying Redis at once after a
    failure instead of OUTAGE_RETRY_SECONDS later."""
    from config import settings as configured

    params = dict(configured.CACHES["default"]) if configured.REDIS_URL else {}
    if params.get("BACKEND") != "config.cache.DegradingRedisCache":
        params = {"KEY_PREFIX": "cg-limits", "OPTIONS": {"socket_connect_timeout": 1}}
    params["OPTIONS"] = {**params["OPTIONS"], "OUTAGE_RETRY_SECONDS": 0}
    return DegradingRedisCache(url, params)


def test_counts_are_shared_then_local_while_redis_is_down_then_shared_again(own_redis):
    one, other = limit_cache(own_redis.url), limit_cache(own_redis.url)
    one.add("pdf:7", 0, timeout=60)
    assert one.incr("pdf:7") == 1 and other.incr("pdf:7") == 2  # one count

    own_redis.stop()
    # Django's own RedisCache raises here (a 500 for every login and reset).
    with pytest.raises(RedisConnectionError):
        RedisCache(own_redis.url, {"OPTIONS": {"socket_connect_timeout": 1}}).get("pdf:7")
    # This one answers from the process's memory: no error, and it still counts.
    assert one.add("pdf:7", 0, timeout=60) is True
    assert one.incr("pdf:7") == 1 and one.incr("pdf:7") == 2
    assert one.get("reset:alice", []) == []
    one.set("reset:alice", [1.0, 2.0], 60)
    assert one.get("reset:alice") == [1.0, 2.0]

    own_redis.start()  # an empty Redis: what the outage counted stayed in memory
    assert other.add("pdf:7", 0, timeout=60) is True
    assert other.incr("pdf:7") == 1 and one.incr("pdf:7") == 2  # one count again


def test_clear_leaves_the_channel_layers_keys_in_a_shared_redis_database(own_redis):
    cache = limit_cache(own_redis.url)
    cache.set("reset:alice", [1.0], 60)
    raw = cache._cache.get_client(write=True)
    raw.set("asgi:group:user.1", "a socket's membership")
    cache.clear()
    assert cache.get("reset:alice") is None
    assert raw.get("asgi:group:user.1") == b"a socket's membership"


@needs_redis
@pytest.mark.django_db
def test_brief_pdfs_counted_by_another_process_count_here(
    alice_client, alice, bob, couple, monkeypatch
):
    """The PDF limit counts in the shared cache: PDFs another process served
    this minute (its own connection to Redis) use up this process's allowance."""
    from django.urls import reverse

    from couples.views import brief as views
    from tests.ownership_helpers import populate

    alice_words, _bob_words = populate(alice, bob)
    url = reverse("therapy_brief_pdf", args=[alice_words.session.pk])
    monkeypatch.setattr(views, "html_to_pdf", lambda html, **kw: b"%PDF-")
    now = 1_800_000_000.0
    from couples import http as limits

    monkeypatch.setattr(limits.time, "time", lambda: now)
    another_process = limit_cache(settings.REDIS_URL)
    key = f"brief-pdf:{alice.pk}:{int(now // 60)}"
    another_process.add(key, 0, timeout=120)
    for _ in range(views.PDFS_PER_MINUTE - 1):
        another_process.incr(key)

    assert alice_client.get(url).status_code == 200
    assert alice_client.get(url).status_code == 429
    assert another_process.get(key) == views.PDFS_PER_MINUTE + 1
