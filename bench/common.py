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


def psql(sql):
    """One statement on the local PostgreSQL, as the superuser (benchmark databases)."""
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qtAc", sql], check=True, capture_output=True
    )


def wait_port(port, seconds=90):
    """Until a server answers an HTTP request on ``port`` (any answer will do)."""
    import http.client
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"port {port} did not come up")


def production_env(*, database, redis_db, **extra):
    """Production settings (plus the bench-only bare view) on the local services."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_ENV="production",
        SECRET_KEY="bench-only-" + "x" * 60,
        FIELD_ENCRYPTION_KEYS=BENCH_FIELD_KEY,
        VAPID_PRIVATE_KEY="pGvFOg35uetAj3IL49KIA1HdrK3FMHi2xkYRDjCNFe4",
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


# --- CPU time of whole server roles -----------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(process group, CPU seconds) of one process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    # After the command: state, ppid, pgrp, ... utime (12th), stime (13th).
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / TICKS


def _processes():
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as handle:
                    name = handle.read().strip()
                yield int(entry), name, *_stat(entry)
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue


def cpu_seconds(roles):
    """CPU seconds used so far by each role: ``roles`` maps a name to a server
    process started by ``start`` (its whole process group: master and workers)
    or to a program name ("postgres", "redis-server": every process of it)."""
    totals = dict.fromkeys(roles, 0.0)
    groups = {proc.pid: name for name, proc in roles.items() if not isinstance(proc, str)}
    programs = {proc: name for name, proc in roles.items() if isinstance(proc, str)}
    for _pid, comm, group, seconds in _processes():
        if group in groups:
            totals[groups[group]] += seconds
        elif comm in programs:
            totals[programs[comm]] += seconds
    return totals


def cpu_rows(before, after, idle_rate, seconds, count):
    """Milliseconds of CPU per operation for each role, net of the idle rate
    (heartbeats of open sockets) measured before: ``{role: ms}``."""
    return {
        role: max(0.0, after[role] - before[role] - idle_rate.get(role, 0.0) * seconds)
        * 1000
        / count
        for role in before
    }
