"""Real server processes for tests (daphne, gunicorn) on the test database:
ports, waiting for them to listen, the environment they run in, stopping them."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from tests.worker_support import database_url_for_processes

ROOT = Path(__file__).resolve().parent.parent

# What servers started by a test connect to (the test database, not the app's).
database_url_for_servers = database_url_for_processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process=None, timeout=30.0):
    """Until something listens on ``port`` (or ``process`` has exited: an error)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


def stop(processes):
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def server_env(**extra) -> dict:
    """Development settings on the test database and the suite's Redis."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_servers(),
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_POOL_MIN": "1",
        "LOG_LEVEL": "WARNING",
        # The suite's own VAPID key (tests/conftest.py), never var/dev-vapid.key.
        "VAPID_PRIVATE_KEY": settings.VAPID_PRIVATE_KEY,
        **extra,
    }
    env.pop("DJANGO_ENV", None)
    return env


@contextlib.contextmanager
def daphnes(count, **extra_env):
    """``count`` daphne processes serving config.asgi; yields their ports."""
    env = server_env(**extra_env)
    ports, processes = [free_port() for _ in range(count)], []
    daphne = str(Path(sys.executable).with_name("daphne"))
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [daphne, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
            )
        for port, process in zip(ports, processes, strict=True):
            wait_for_port(port, process)
        yield ports
    finally:
        stop(processes)
