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
    proxy = (ROOT / "deploy" / "nginx" / "common-ground.conf").read_text()
    assert "server web:8000;" in proxy and "server ws:8001;" in proxy
    locations = (ROOT / "deploy" / "nginx" / "locations.conf").read_text()
    ws, web = locations.split("location / {")
    assert "location /ws/ {" in ws and "proxy_pass http://ws;" in ws
    assert "proxy_set_header Upgrade $http_upgrade;" in ws
    assert "proxy_pass http://web;" in web
    # One trusted proxy that appends (TRUSTED_PROXY_COUNT=1 reads the last entry).
    assert locations.count("X-Forwarded-For $proxy_add_x_forwarded_for;") == 2
    mounts = " ".join(SERVICES["proxy"]["volumes"])
    assert "deploy/nginx/common-ground.conf:/etc/nginx/conf.d/default.conf" in mounts
    assert "deploy/nginx/locations.conf:/etc/nginx/snippets/common-ground-locations.conf" in mounts
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
    for name in (
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "FIELD_ENCRYPTION_KEYS",
        "CHANNEL_LAYER_ENCRYPTION_KEYS",
        "ALLOWED_HOSTS",
    ):
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


def test_nginx_accepts_the_production_proxy_config(tmp_path):
    """`nginx -t` on deploy/nginx/ as the proxy container loads it (with a
    throwaway certificate, and the upstream names pointed at loopback)."""
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    conf = (ROOT / "deploy" / "nginx" / "common-ground.conf").read_text()
    conf = conf.replace("/etc/nginx/certs/", f"{tmp_path}/")
    conf = conf.replace(
        "/etc/nginx/snippets/common-ground-locations.conf",
        str(ROOT / "deploy" / "nginx" / "locations.conf"),
    )
    conf = conf.replace("web:8000", "127.0.0.1:8000").replace("ws:8001", "127.0.0.1:8001")
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n{conf}\n}}\n")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-e", "stderr", "-c", str(main)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
