"""What both benchmarks share: the production-like environment, starting and
stopping server processes, and writing a section of docs/benchmarks.md."""

import os
import re
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
# A throwaway Fernet key: benchmark data is fake.
BENCH_FIELD_KEY = "bW9ja2tleW1vY2trZXltb2Nra2V5bW9ja2tleW1vY2s="


def production_env(*, database, redis_db, **extra):
    """Production settings (plus the bench-only bare view) on the local services."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_ENV="production",
        SECRET_KEY="bench-only-" + "x" * 60,
        FIELD_ENCRYPTION_KEYS=BENCH_FIELD_KEY,
        CHANNEL_LAYER_ENCRYPTION_KEYS="bench-only-layer-key",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def start(cmd, env, name, logs):
    """A server process in its own session (so it and its children stop together)."""
    log = open(logs / f"{name}.log", "w")  # noqa: SIM115  closed by the process's exit
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(procs):
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def write_section(name, body):
    """Replace (or add) one section of docs/benchmarks.md between its markers."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\nRun on demand; see README.\n"
    marker_start, marker_end = f"<!-- {name} start -->", f"<!-- {name} end -->"
    block = f"{marker_start}\n{body}{marker_end}"
    if marker_start in text:
        text = re.sub(
            re.escape(marker_start) + ".*?" + re.escape(marker_end),
            lambda _: block,
            text,
            flags=re.DOTALL,
        )
    else:
        text += f"\n## {name}\n\n{block}\n"
    path.write_text(text)


def start_gunicorn(env, logs, *, port, **extra_env):
    """The production WSGI role (deploy/gunicorn.conf.py) on loopback."""
    command = [PY, "-m", "gunicorn", "config.wsgi:application", "-c", "deploy/gunicorn.conf.py"]
    return start(
        command, dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", **extra_env), "gunicorn", logs
    )


def start_daphne(env, logs, *, port, app, name, proxy_headers=False):
    """An ASGI server process (daphne) on loopback."""
    command = [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
    if proxy_headers:
        command.append("--proxy-headers")
    return start([*command, app], env, name, logs)
