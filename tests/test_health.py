"""Liveness and readiness: answered before host checks, redirects and every limit,
with a fixed answer that names no host and no person."""

import json
import subprocess
import sys

import pytest
from django.urls import reverse

from config import health
from tests.worker_support import REPO, database_url_for_processes

pytestmark = pytest.mark.django_db

LIVE, READY = reverse("health_live"), reverse("health_ready")


@pytest.fixture
def fresh_redis_client():
    health._redis_client = None
    yield
    health._redis_client = None


def test_liveness_answers_whatever_the_host_and_before_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(LIVE, HTTP_HOST="web:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_checks_postgresql_and_redis(client, settings, fresh_redis_client):
    assert settings.REDIS_URL, "scripts/test sets REDIS_URL"
    response = client.get(READY, HTTP_HOST="web:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_readiness_is_503_when_redis_does_not_answer(client, settings, fresh_redis_client):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
    assert b"127.0.0.1" not in response.content and b"9" not in response.content


def test_health_answers_touch_no_session_csrf_or_limit(make_client, alice):
    """Signed in or not: no cookie set or read, no person in the answer, never throttled."""
    client = make_client(alice)
    for _ in range(30):
        for path in (LIVE, READY):
            response = client.get(path)
            assert response.status_code == 200
            assert "Set-Cookie" not in response.headers and "Vary" not in response.headers
            assert alice.email.encode() not in response.content
            assert alice.display_name.encode() not in response.content


def test_other_methods_take_the_ordinary_way(make_client):
    client = make_client()
    assert client.post(LIVE, csrf=False).status_code == 403
    assert client.post(LIVE).status_code == 405


def _health_command(database_url):
    # Without the pool: a pool waits its whole timeout for a connection first.
    return subprocess.run(
        [sys.executable, "manage.py", "health"],
        cwd=REPO,
        env={**_environ(), "DATABASE_URL": database_url, "DATABASE_POOL": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _environ():
    import os

    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}


@pytest.mark.django_db(transaction=True)
def test_the_health_command_fails_when_postgresql_does_not_answer():
    ready = _health_command(database_url_for_processes())
    assert ready.returncode == 0, ready.stderr
    assert json.loads(ready.stdout)["database"] == "ok"
    down = _health_command("postgres://postgres@127.0.0.1:9/nothing")
    assert down.returncode == 1
    assert json.loads(down.stdout.strip().splitlines()[-1]) == {
        "status": "unavailable",
        "database": "unavailable",
        "redis": "ok",
    }


def test_compose_checks_readiness_and_runs_the_worker_after_the_migrations():
    import yaml

    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    for role, port in (("web", 8000), ("ws", 8001)):
        probe = " ".join(services[role]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{port}/healthz/ready" in probe
    worker = services["worker"]
    assert worker["command"][:3] == ["python", "manage.py", "worker"]
    assert worker["image"] == services["web"]["image"]
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert worker["healthcheck"]["test"] == ["CMD", "python", "manage.py", "health"]
    assert services["proxy"]["depends_on"]["ws"]["condition"] == "service_healthy"
