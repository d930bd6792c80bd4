#!/usr/bin/env python
"""The dashboard's render time as a couple's history grows (issue 11, item 4).
Run on demand, never in CI:

    .venv/bin/python bench/dashboard_history.py [--requests 100] [--rounds 5]

Two furnished couples (``manage.py demo_space``), one with 10 and one with 1,000
items of each kind of history (retired statements, answered questions, past
sessions, discussed topics: ``--history``), in a fresh database with production
settings (bench/settings.py, PostgreSQL). The production WSGI application is
called directly, as in bench/inprocess.py, for each couple's signed-in dashboard:

  cold: the per-process parts cache emptied before every request (every part
        rendered from its rows: the first view after a change);
  warm: the cache left as it is (a reload with nothing changed).

Reported per request: this thread's CPU (the median of --rounds rounds), wall
time (PostgreSQL's share included) and the size of the HTML. The size is also a
test (tests/test_dashboard_size.py); the time is measured only here.
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import write_section  # noqa: E402
from bench.inprocess import call, environ_for, prepare_database, setup_django  # noqa: E402

SECTION = "Dashboard and history"
SIZES = (10, 1000)


def couple_cookie(history):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string

    from bench.fixtures import PASSWORD, session_cookie_for

    first = f"history-{history}-alice@example.com"
    call_command(
        "demo_space",
        first=first,
        second=f"history-{history}-bob@example.com",
        password=PASSWORD,
        history=history,
        stdout=io.StringIO(),
    )
    alice = get_user_model().objects.get(email=first)
    return f"{session_cookie_for(alice)}; {settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"


def measure(app, environ, requests, *, cold):
    from django.core.cache import caches

    parts_cache = caches["parts"]
    cpu, wall = 0.0, 0.0
    for _ in range(requests):
        if cold:
            parts_cache.clear()
        start_cpu, start_wall = time.thread_time(), time.perf_counter()
        status, _headers, body = call(app, environ)
        cpu += time.thread_time() - start_cpu
        wall += time.perf_counter() - start_wall
        assert status.startswith("200"), status
    return cpu * 1000 / requests, wall * 1000 / requests, len(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    prepare_database()
    setup_django()
    from config.wsgi import application

    environs = {size: environ_for("/", couple_cookie(size)) for size in SIZES}
    results = {}
    for cold in (True, False):
        for size, environ in environs.items():
            measure(application, environ, 20, cold=cold)  # warm-up
            rounds = [
                measure(application, environ, args.requests, cold=cold) for _ in range(args.rounds)
            ]
            cpu = statistics.median(r[0] for r in rounds)
            wall = statistics.median(r[1] for r in rounds)
            results[(cold, size)] = (cpu, wall, rounds[-1][2])
            print(
                f"{'cold' if cold else 'warm'} {size:5d} items: {cpu:6.2f} ms CPU, "
                f"{wall:6.2f} ms wall, {rounds[-1][2]:,} bytes",
                flush=True,
            )
    rows = [
        "| dashboard | history items of each kind | CPU ms/request | wall ms/request "
        "| HTML bytes |",
        "|---|---:|---:|---:|---:|",
    ]
    for (cold, size), (cpu, wall, size_bytes) in results.items():
        rows.append(
            f"| {'cold (parts rendered)' if cold else 'warm (parts cached)'} | {size:,} | "
            f"{cpu:.2f} | {wall:.2f} | {size_bytes:,} |"
        )
    ratio = results[(True, 1000)][0] / results[(True, 10)][0]
    body = (
        f"Measured {time.strftime('%Y-%m-%d')} with `bench/dashboard_history.py --requests "
        f"{args.requests} --rounds {args.rounds}` (production settings, PostgreSQL, in process; "
        f"median of rounds). Before issue 11 the dashboard at 1,000 items of each kind took "
        f"1.1 s cold and was 4.4 MB.\n\n" + "\n".join(rows) + f"\n\nCold CPU at 1,000 items / at "
        f"10: **{ratio:.2f}x** (flat is 1x).\n"
    )
    print(body)
    if not args.no_write:
        write_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
