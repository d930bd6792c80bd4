"""The production shape cannot run here (no Docker engine), so its files are
checked for what they promise: services, health checks, ordering, and env."""

import ipaddress
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml
from cryptography.fernet import Fernet

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


# What each role sets for itself on top of the shared environment (its pool size).
ROLE_ONLY = {"WEB_CONCURRENCY", "GUNICORN_THREADS", "DATABASE_POOL_MAX"}


def _shared_env(service):
    return {k: v for k, v in SERVICES[service]["environment"].items() if k not in ROLE_ONLY}


def test_app_runs_in_production_mode_on_postgres_and_redis():
    env = SERVICES["web"]["environment"]
    assert env["DJANGO_ENV"] == "production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["TRUSTED_PROXY_COUNT"] == "1"
    assert _shared_env("ws") == _shared_env("web") == _shared_env("migrate")


def test_the_trusted_proxy_address_is_the_proxys_fixed_address():
    subnet = COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"]
    address = SERVICES["proxy"]["networks"]["default"]["ipv4_address"]
    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet)
    assert SERVICES["web"]["environment"]["TRUSTED_PROXY_ADDRESSES"] == address
    assert gunicorn_conf(compose_env("web"))["forwarded_allow_ips"] == address


def test_the_admin_is_off_unless_the_operator_names_its_path():
    assert SERVICES["web"]["environment"]["ADMIN_PATH"] == "${ADMIN_PATH:-}"
    assert re.search(r"^ADMIN_PATH=$", (ROOT / ".env.example").read_text(), re.MULTILINE)


def test_required_secrets_have_no_defaults():
    text = (ROOT / "docker-compose.yml").read_text()
    for name in (
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "FIELD_ENCRYPTION_KEYS",
        "VAPID_PRIVATE_KEY",
        "VAPID_SUBJECT",
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


# --- Connection budget ------------------------------------------------------------
# PostgreSQL keeps superuser_reserved_connections (3 by default) for superusers;
# a few more stay free for the operator (psql, pg_dump, a manage.py shell).
SUPERUSER_RESERVED = 3
OPERATOR_HEADROOM = 5
# What .env must set (compose refuses to start without): stand-ins of the right shape.
REQUIRED_STAND_INS = {
    "SECRET_KEY": "s" * 64,
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "VAPID_PRIVATE_KEY": "pGvFOg35uetAj3IL49KIA1HdrK3FMHi2xkYRDjCNFe4",
    "VAPID_SUBJECT": "mailto:operator@example.org",
}


def _interpolate(value):
    """Compose's ${NAME:-default} and ${NAME:?error}, as with an .env setting
    only what is required."""

    def one(match):
        name, op, rest = match.group(1), match.group(2), match.group(3) or ""
        if op == ":?":
            return REQUIRED_STAND_INS.get(name, "stand-in")
        return rest if op == ":-" else ""

    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:[-?])([^}]*))?\}", one, str(value))


def compose_env(service):
    return {k: _interpolate(v) for k, v in SERVICES[service]["environment"].items()}


PROBE = """
import json, os, runpy, sys
conf = runpy.run_path("deploy/gunicorn.conf.py") if sys.argv[1] == "gunicorn" else {}
import config.settings as s
pool = s.DATABASES["default"].get("OPTIONS", {}).get("pool", {})
conf = {k: v for k, v in conf.items() if k in ("workers", "threads", "forwarded_allow_ips")}
print(json.dumps({**conf, "pool_max": pool.get("max_size")}))
"""


def _probe(env, role):
    """What one process of a role would run with: gunicorn's config file (for
    gunicorn) and then the settings, in a fresh interpreter with that environment."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, role],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def gunicorn_conf(env):
    return _probe(env, "gunicorn")


def _max_connections():
    command = SERVICES["db"]["command"]
    settings_given = [command[i + 1] for i, arg in enumerate(command) if arg == "-c"]
    values = [int(s.split("=")[1]) for s in settings_given if s.startswith("max_connections=")]
    assert values, "db must state max_connections (the budget is counted against it)"
    return values[-1]


def connection_budget():
    """Each service on the app's database: replicas x processes x pool size."""
    rows = {}
    for name, service in SERVICES.items():
        if "DATABASE_URL" not in service.get("environment", {}):
            continue
        role = "gunicorn" if service["command"][0] == "gunicorn" else "other"
        probe = _probe(compose_env(name), role)
        replicas = service.get("deploy", {}).get("replicas", 1)
        rows[name] = (replicas, probe.get("workers", 1), probe["pool_max"], probe)
    return rows


def test_every_process_at_its_fullest_stays_under_the_databases_connection_limit():
    rows = connection_budget()
    assert {"web", "ws", "migrate"} <= set(rows)
    _replicas, _workers, web_pool, web = rows["web"]
    # Each gunicorn worker's pool follows its threads: one per request thread,
    # one for the live-frames writer.
    assert web_pool == web["threads"] + 1
    # A daphne process uses the database from two threads (sockets, writer).
    assert rows["ws"][2] >= 2
    total = sum(replicas * processes * pool for replicas, processes, pool, _ in rows.values())
    limit = _max_connections()
    assert total + SUPERUSER_RESERVED + OPERATOR_HEADROOM <= limit, (total, limit)
    # The README states the same total.
    readme = (ROOT / "README.md").read_text()
    stated = re.search(r"at most \*\*(\d+)\*\* PostgreSQL connections", readme)
    assert stated and int(stated.group(1)) == total


# --- gunicorn believes forwarding headers from the trusted proxy only ---------------


def test_gunicorn_trusts_forwarding_headers_from_the_configured_proxy_only():
    assert gunicorn_conf({"TRUSTED_PROXY_COUNT": "0"})["forwarded_allow_ips"] == ""
    assert gunicorn_conf({})["forwarded_allow_ips"] == ""
    behind = {"TRUSTED_PROXY_COUNT": "1", "TRUSTED_PROXY_ADDRESSES": "10.0.0.5,fd00::/64"}
    assert gunicorn_conf(behind)["forwarded_allow_ips"] == "10.0.0.5,fd00::/64"
    same_host = gunicorn_conf({"TRUSTED_PROXY_COUNT": "1"})
    assert same_host["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_gunicorn_refuses_to_start_on_a_value_it_does_not_understand():
    for env in ({"TRUSTED_PROXY_COUNT": "one"}, {"GUNICORN_THREADS": "four"}):
        result = subprocess.run(
            [sys.executable, "-c", "import runpy; runpy.run_path('deploy/gunicorn.conf.py')"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and next(iter(env)) in result.stderr


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _scheme_seen_by_the_app(env):
    """Run gunicorn with deploy/gunicorn.conf.py in front of a tiny app that
    answers the scheme it was given; a client on 127.0.0.1 claims https."""
    port = _free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "tests.scheme_echo:application", "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "WEB_CONCURRENCY": "1", **env}
        | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, "gunicorn exited"
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/", headers={"X-Forwarded-Proto": "https"}, timeout=2
                )
                return response.text
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_client_that_is_not_the_proxy_cannot_claim_https():
    assert _scheme_seen_by_the_app({"TRUSTED_PROXY_COUNT": "0"}) == "http"
    elsewhere = {"TRUSTED_PROXY_COUNT": "1", "TRUSTED_PROXY_ADDRESSES": "10.9.9.9"}
    assert _scheme_seen_by_the_app(elsewhere) == "http"
    from_here = {"TRUSTED_PROXY_COUNT": "1", "TRUSTED_PROXY_ADDRESSES": "127.0.0.1"}
    assert _scheme_seen_by_the_app(from_here) == "https"
