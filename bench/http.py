#!/usr/bin/env python
"""HTTP serving-path benchmark (issue 4, item 9). Run on demand, never in CI:

    .venv/bin/python bench/http.py [--seconds 10] [--connections 32]

It starts the production shape on loopback — nginx (deploy/nginx/: the
production upstreams and routing, without TLS) in front of gunicorn (WSGI,
deploy/gunicorn.conf.py) for HTTP and daphne (ASGI) for /ws/ — on PostgreSQL
(database `bench_commonground`, made afresh each run), signs in a linked person
whose space is furnished (bench/fixtures.py), and drives it with wrk:

  1. bare view, plain WSGI (gunicorn direct)        <- the yardstick
  2. bare view through the production entry point   (target >= 0.8x of 1)
  3. dashboard through the production entry point   (target >= 0.3x of 1)
     and, for scale, a view that only reads the signed-in person (the floor of
     any signed-in page: Django's session and user queries)
  4. bare view served as ASGI by daphne alone       (what we avoid, for contrast)

Results are printed and written to docs/benchmarks.md (section "HTTP").
Needs Debian's `nginx-light` and `wrk` (installed if missing) and the local PostgreSQL.
"""

import sys
from pathlib import Path

# This file shares its name with the standard library's `http` package: take its
# own folder off the import path before anything imports `http.client`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

from bench.common import (  # noqa: E402
    PY,
    ROOT,
    production_env,
    start,
    start_daphne,
    start_gunicorn,
    stop,
    write_section,
)

DB_NAME = "bench_commonground"
PORTS = {"web": 18000, "ws": 18001, "proxy": 18080, "asgi_only": 18002}


def ensure_tools():
    packages = {"nginx": "nginx-light", "wrk": "wrk"}
    missing = [package for tool, package in packages.items() if not shutil.which(tool)]
    if missing:
        print(f"installing {' '.join(missing)} from Debian", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)


def nginx_config(logs):
    """The production proxy on loopback: the upstream blocks of
    deploy/nginx/common-ground.conf (pointed at the local servers) and its
    locations, in a plain-HTTP server block (TLS is the one part left out)."""
    production = (ROOT / "deploy" / "nginx" / "common-ground.conf").read_text()
    upstreams = production[: production.index("server {")]
    upstreams = upstreams.replace("web:8000", f"127.0.0.1:{PORTS['web']}")
    upstreams = upstreams.replace("ws:8001", f"127.0.0.1:{PORTS['ws']}")
    path = logs / "nginx.conf"
    path.write_text(
        f"""worker_processes auto;
pid {logs}/nginx.pid;
error_log {logs}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
{upstreams}
    server {{
        listen 127.0.0.1:{PORTS["proxy"]};
        include {ROOT / "deploy" / "nginx" / "locations.conf"};
    }}
}}
"""
    )
    return path


def bench_env():
    return production_env(database=DB_NAME, redis_db=5, TRUSTED_PROXY_COUNT="1")


def prepare_database(env):
    """A fresh database each run, so every run renders the same furnished space."""
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qtAc", sql],
            capture_output=True,
            check=True,
        )
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    script = "from bench.fixtures import signed_in_member_cookie; print(signed_in_member_cookie())"
    out = subprocess.run(
        [PY, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def wait_for(url, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def wrk(url, seconds, connections, cookie=None):
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd += ["-H", "Host: 127.0.0.1", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error responses\n{out}")
    return {"rps": rps, "p50": p50, "p99": p99}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    ensure_tools()
    env = bench_env()
    cookie = prepare_database(env)
    logs = Path(tempfile.mkdtemp(prefix="cg-bench-"))
    procs = [
        start_gunicorn(env, logs, port=PORTS["web"]),
        start_daphne(
            env,
            logs,
            port=PORTS["ws"],
            app="config.asgi:application",
            name="daphne-ws",
            proxy_headers=True,
        ),
        start(["nginx", "-c", str(nginx_config(logs)), "-g", "daemon off;"], env, "nginx", logs),
        start_daphne(
            env, logs, port=PORTS["asgi_only"], app="config.asgi:application", name="daphne-http"
        ),
    ]
    results = {}
    try:
        for port in (PORTS["web"], PORTS["proxy"], PORTS["asgi_only"]):
            wait_for(f"http://127.0.0.1:{port}/bench/bare/")
        base = "http://127.0.0.1"
        cases = [
            ("bare view, plain WSGI (gunicorn direct)", f"{base}:{PORTS['web']}/bench/bare/", None),
            (
                "bare view, production entry (nginx -> gunicorn)",
                f"{base}:{PORTS['proxy']}/bench/bare/",
                None,
            ),
            (
                "dashboard, production entry (nginx -> gunicorn)",
                f"{base}:{PORTS['proxy']}/",
                cookie,
            ),
            (
                "signed-in floor: session + person only (nginx -> gunicorn)",
                f"{base}:{PORTS['proxy']}/bench/whoami/",
                cookie,
            ),
            (
                "bare view, ASGI only (daphne direct)",
                f"{base}:{PORTS['asgi_only']}/bench/bare/",
                None,
            ),
        ]
        for label, url, case_cookie in cases:
            wrk(url, 2, args.connections, case_cookie)  # warm-up
            results[label] = wrk(url, args.seconds, args.connections, case_cookie)
            print(
                f"{label:55s} {results[label]['rps']:9.0f} req/s  "
                f"p50 {results[label]['p50']:>8s}  p99 {results[label]['p99']:>8s}",
                flush=True,
            )
    finally:
        stop(procs)
    yardstick = results[cases[0][0]]["rps"]
    lines = [
        "| case | req/s | x bare WSGI | p50 | p99 |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, result in results.items():
        lines.append(
            f"| {label} | {result['rps']:.0f} | {result['rps'] / yardstick:.2f} | "
            f"{result['p50']} | {result['p99']} |"
        )
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section(
            "HTTP",
            f"Measured {time.strftime('%Y-%m-%d')} with `bench/http.py --seconds {args.seconds} "
            f"--connections {args.connections}` (wrk, 2 threads) on this 2-core machine; "
            f"gunicorn {os.cpu_count() * 2} gthread workers x 2 threads, PostgreSQL 15, "
            f"production settings.\n\n{table}\n",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
