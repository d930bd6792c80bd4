"""The production shape cannot run here (no Docker engine), so its files are
checked for what they promise: services, health checks, ordering, and env."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _env_names_in(text):
    return set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))


def test_compose_file_is_valid_against_the_compose_spec():
    tool = shutil.which("check-jsonschema") or str(ROOT / ".venv/bin/check-jsonschema")
    result = subprocess.run(
        [tool, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_the_production_services():
    assert {"db", "redis", "migrate", "web", "ws", "proxy"} <= set(SERVICES)


def test_database_has_a_pg_isready_healthcheck_and_a_volume():
    db = SERVICES["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])


def test_redis_is_health_checked_and_keeps_nothing_on_disk():
    redis = SERVICES["redis"]
    assert "ping" in redis["healthcheck"]["test"]
    assert "--appendonly" in redis["command"] and "no" in redis["command"]


def test_migrations_run_once_before_the_app_starts():
    assert SERVICES["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for role in ("web", "ws"):
        deps = SERVICES[role]["depends_on"]
        assert deps["db"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"
        assert deps["migrate"]["condition"] == "service_completed_successfully"


def test_http_is_served_by_wsgi_and_websockets_by_asgi_behind_one_proxy():
    assert SERVICES["web"]["command"][:2] == ["gunicorn", "config.wsgi:application"]
    assert SERVICES["ws"]["command"][0] == "daphne"
    assert SERVICES["ws"]["command"][-1] == "config.asgi:application"
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "path /ws/*" in caddyfile and "ws:8001" in caddyfile and "web:8000" in caddyfile
    assert SERVICES["proxy"]["ports"] == ["80:80", "443:443"]
    assert "ports" not in SERVICES["web"] and "ports" not in SERVICES["ws"]


def test_app_runs_in_production_mode_on_postgres_and_redis():
    env = SERVICES["web"]["environment"]
    assert env["DJANGO_ENV"] == "production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["TRUSTED_PROXY_COUNT"] == "1"
    assert SERVICES["ws"]["environment"] == env


def test_required_secrets_have_no_defaults():
    text = (ROOT / "docker-compose.yml").read_text()
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "FIELD_ENCRYPTION_KEYS", "ALLOWED_HOSTS"):
        assert re.search(r"\$\{" + name + r":\?", text), f"{name} must be required"


def test_every_variable_compose_reads_is_in_env_example():
    compose_vars = _env_names_in((ROOT / "docker-compose.yml").read_text())
    example = (ROOT / ".env.example").read_text()
    example_vars = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, re.MULTILINE))
    assert compose_vars - example_vars == set()


def test_dockerfile_collects_static_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "collectstatic --noinput" in dockerfile
    assert "requirements.lock" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.MULTILINE)


@pytest.mark.django_db
def test_health_endpoint_answers_whatever_the_host(client):
    response = client.get("/healthz", HTTP_HOST="web:8000")
    assert response.status_code == 200 and response.content == b"ok"
