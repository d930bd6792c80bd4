#!/usr/bin/env python
"""My patterns' render time at 10 and 10,000 asks, against a bare view in the
same run (issue 14, item 4). Run on demand, never in CI:

    .venv/bin/python bench/patterns.py [--requests 50] [--rounds 5] [--redis-db 12]

A fresh database (its own name, so it never meets another benchmark's) with
production settings (bench/settings.py, PostgreSQL). Two couples: in one,
alice asked 10 times and bob said not now to each (with a few rain checks),
and bob asked 10 times; in the other the same with 10,000 of each, written
with ``bulk_create``. The production WSGI application is called directly, as
in bench/inprocess.py, for ``/patterns/`` as the one who declines (bob) and as
the one who asks (alice), and for the bare view (the whole middleware stack, a
constant answer) and the signed-in floor (``/bench/whoami/``) in the same run.

Reported per request: this thread's CPU (the median of --rounds rounds), wall
time (PostgreSQL's share included: the aggregates run there) and the number of
queries (the same at both sizes: tests/test_patterns.py tests it too).
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import production_env, write_section  # noqa: E402
from bench.inprocess import call, environ_for  # noqa: E402

SECTION = "My patterns at 10,000 asks"
DB_NAME = "bench_patterns_commonground"
SIZES = (10, 10_000)


def prepare(redis_db):
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qtAc", sql],
            capture_output=True,
            check=True,
        )
    os.environ.update(
        production_env(
            database=DB_NAME,
            redis_db=redis_db,
            TRUSTED_PROXY_COUNT="1",
            SECURE_SSL_REDIRECT="true",
            ACCESS_LOG_LEVEL="WARNING",
        )
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def furnished_couple(size):
    """alice and bob, linked; ``size`` asks each way, every one of alice's
    declined by bob (a statement's reason on every other one), spread over
    the week; a rain check on one in ten. Returns their cookies."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from bench.fixtures import session_cookie_for
    from couples.access import get_space_for_member
    from couples.models import Ask, AskAnswer, RainCheck
    from couples.services import linking, statements

    User = get_user_model()
    alice = User.objects.create_user(
        email=f"patterns-{size}-alice@example.com", password="x" * 12, display_name="Alice"
    )
    bob = User.objects.create_user(
        email=f"patterns-{size}-bob@example.com", password="x" * 12, display_name="Bob"
    )
    _invite, code = linking.create_invite(creator=alice)
    couple = linking.accept_invite(user=bob, code=code)
    statement = statements.add_statement(
        space=get_space_for_member(bob),
        reason="tired",
        meaning="Worn out after work.",
        not_meaning="Not that I want you less.",
        reassurance="I love your laugh.",
    )
    start = timezone.now() - datetime.timedelta(hours=7 * size + 24)
    asks = []
    for n in range(size):
        at = start + datetime.timedelta(hours=7 * n)
        common = {"couple": couple, "when": "now", "ends_at": at, "created_at": at, "closed_at": at}
        asks.append(Ask(asker=alice, kind="closeness", state=Ask.ANSWERED, **common))
        asks.append(Ask(asker=bob, kind="sex", state=Ask.ENDED, **common))
    asks = Ask.objects.bulk_create(asks, batch_size=2000)
    answers = AskAnswer.objects.bulk_create(
        (
            AskAnswer(
                ask=item,
                author=bob,
                kind=AskAnswer.NOT_NOW,
                statement=statement if n % 2 else None,
                created_at=item.created_at,
            )
            for n, item in enumerate(a for a in asks if a.asker_id == alice.pk)
        ),
        batch_size=2000,
    )
    RainCheck.objects.bulk_create(
        (
            RainCheck(
                couple=couple,
                owner=bob,
                answer=answer,
                state=RainCheck.REDEEMED if n % 2 else RainCheck.OPEN,
            )
            for n, answer in enumerate(answers[::10])
        ),
        batch_size=2000,
    )
    csrf = f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
    return {
        "asker": f"{session_cookie_for(alice)}; {csrf}",
        "decliner": f"{session_cookie_for(bob)}; {csrf}",
    }


def measure(app, environ, requests):
    cpu, wall = 0.0, 0.0
    for _ in range(requests):
        start_cpu, start_wall = time.thread_time(), time.perf_counter()
        status, _headers, body = call(app, environ)
        cpu += time.thread_time() - start_cpu
        wall += time.perf_counter() - start_wall
        assert status.startswith("200"), status
    return cpu * 1000 / requests, wall * 1000 / requests, len(body)


def queries(app, environ):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call(app, environ)
    return len(captured)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    prepare(args.redis_db)
    from config.wsgi import application

    cases = {}
    for size in SIZES:
        made = time.perf_counter()
        cookies = furnished_couple(size)
        print(f"{size:,} asks each way written in {time.perf_counter() - made:.1f} s", flush=True)
        for who, cookie in cookies.items():
            cases[f"/patterns/ as the {who}, {size:,} asks"] = environ_for("/patterns/", cookie)
        if size == SIZES[0]:
            cases["bare view (whole middleware, constant answer)"] = environ_for("/bench/bare/")
            cases["signed-in floor (/bench/whoami/)"] = environ_for(
                "/bench/whoami/", cookies["asker"]
            )
    results = {}
    for name, environ in cases.items():
        measure(application, environ, 5)  # warm-up
        rounds = [measure(application, environ, args.requests) for _ in range(args.rounds)]
        cpu = statistics.median(r[0] for r in rounds)
        wall = statistics.median(r[1] for r in rounds)
        results[name] = (cpu, wall, queries(application, environ), rounds[-1][2])
        print(
            f"{name}: {cpu:.2f} ms CPU, {wall:.2f} ms wall, {results[name][2]} queries", flush=True
        )
    rows = [
        "| request | CPU ms/request | wall ms/request | queries | HTML bytes |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (cpu, wall, count, size_bytes) in results.items():
        rows.append(f"| {name} | {cpu:.2f} | {wall:.2f} | {count} | {size_bytes:,} |")
    big, small = (
        results[f"/patterns/ as the decliner, {SIZES[1]:,} asks"],
        results[f"/patterns/ as the decliner, {SIZES[0]:,} asks"],
    )
    bare = results["bare view (whole middleware, constant answer)"]
    body = (
        f"Measured {time.strftime('%Y-%m-%d')} with `bench/patterns.py --requests "
        f"{args.requests} --rounds {args.rounds}` (production settings, PostgreSQL, in "
        f"process; median of rounds; 2 shared cores, load average {os.getloadavg()[0]:.1f} "
        "at the end).\n\n"
        + "\n".join(rows)
        + f"\n\nThe decliner's page at {SIZES[1]:,} asks: **{big[1]:.1f} ms** wall "
        f"({big[1] / bare[1]:.0f}x the bare view's {bare[1]:.2f} ms; "
        f"{big[1] / small[1]:.1f}x the same page at {SIZES[0]} asks). "
        "The CPU spent in Python stays flat (the page's queries are aggregates, the same "
        "number at both sizes); what grows is PostgreSQL's time to group the rows.\n"
    )
    print(body)
    if not args.no_write:
        write_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
