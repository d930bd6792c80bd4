#!/usr/bin/env python
"""One account's socket flood against everyone else (issue 13, item 5). Run on
demand, never in CI:

    .venv/bin/python bench/socket_flood.py [--couples 50] [--flood 300] [--rate 10]

The production shape on this machine: gunicorn (2 workers) for HTTP, two daphne
processes for websockets, channels-redis, PostgreSQL. ``--couples`` couples keep
one socket per partner open (partners on different daphne processes); one more
couple is the flooder's: its partner keeps one socket open, and the flooder opens
``--flood`` sockets with one session, dealt across both processes, as fast as the
servers take them (50 handshakes at a time).

For each configuration (the cap, ``REALTIME_SOCKETS_PER_PERSON``, default 8; and,
for comparison, no cap) it measures, with the servers freshly started:

1. unloaded: other couples' save -> partner's frame latency (real HTTP POSTs of a
   statement with a unique token, as bench/sync_latency.py) and the dashboard
   page time (GET / of another person) over ``--seconds``;
2. the flood opens; how many of the flooder's sockets stay open;
3. the same latencies with the flood held open;
4. one push to the flooder (their partner renames themself): time until every
   one of the flooder's still-open sockets has the frame.

Writes the "Socket flood" section of docs/benchmarks.md. Needs the local
PostgreSQL and Redis (database `bench_flood_commonground` is recreated each run;
the Redis database given, 13 by default, is flushed).
"""

import sys
from pathlib import Path

# Keep this folder (it holds http.py) off the import path, as bench/http.py does.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import websockets  # noqa: E402

from bench.common import (  # noqa: E402
    PY,
    ROOT,
    production_env,
    start_daphne,
    start_gunicorn,
    stop,
    write_section,
)
from bench.sync_latency import TOKEN, paced, psql, summary, wait_port  # noqa: E402

DB_NAME = "bench_flood_commonground"
WEB_PORT, WS_PORT = 18400, 18401
WS_PROCESSES = 2
NO_CAP = 100_000


def prepare(env, couples, redis_db):
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    subprocess.run(["redis-cli", "-n", str(redis_db), "FLUSHDB"], check=True, capture_output=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    code = (
        "import django, json; django.setup(); from bench.fixtures import many_couples; "
        f"print(json.dumps(many_couples({couples})))"
    )
    out = subprocess.run(
        [PY, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def ws_url(index):
    port = WS_PORT + index % WS_PROCESSES
    return f"ws://127.0.0.1:{port}/ws/space/", f"http://127.0.0.1:{port}"


async def connect(index, cookie):
    url, origin = ws_url(index)
    for attempt in range(5):  # a busy server may drop a handshake: try again
        try:
            return await websockets.connect(
                url,
                additional_headers={"Cookie": cookie, "Origin": origin},
                max_size=None,
                open_timeout=120,
                ping_interval=None,
            )
        except (OSError, websockets.exceptions.InvalidHandshake, TimeoutError):
            if attempt == 4:
                raise
            await asyncio.sleep(0.5 * (attempt + 1))


async def open_many(cookies_by_index):
    sockets = []
    items = list(cookies_by_index)
    for start_at in range(0, len(items), 50):
        sockets += await asyncio.gather(
            *(connect(i, c) for i, c in items[start_at : start_at + 50])
        )
    return sockets


class Client:
    """Keep-alive HTTP connections to gunicorn, one per thread."""

    def __init__(self):
        self.local = threading.local()

    def request(self, method, path, *, cookie, body=None):
        headers = {"Cookie": cookie, "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if attempt == 2 or getattr(self.local, "conn", None) is None:
                self.local.conn = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=60)
            try:
                self.local.conn.request(method, path, body=body, headers=headers)
                response = self.local.conn.getresponse()
                response.read()
                return response.status
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                if attempt == 2:
                    raise
        return None


async def measure_others(people, *, rate, seconds, client, partner_frames, pending, lock):
    """Saves by other couples' alices -> their bob's frame; and bob's dashboard page."""
    page_ms = []
    loop = asyncio.get_running_loop()

    def post(couple, token):
        alice = couple["alice"]
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": alice["csrf"],
                "reason": "tired",
                "meaning": f"I am worn out by the evening. bench-tok-{token}-x",
                "not_meaning": "Not that I do not want you.",
                "reassurance": "I love your laugh.",
                "rain_check": "",
            }
        )
        with lock:
            pending[token] = time.perf_counter()
        status = client.request("POST", "/statements/new/", cookie=alice["cookie"], body=body)
        if status not in (200, 302):
            raise RuntimeError(f"save failed with {status}")

    def page(couple):
        started = time.perf_counter()
        status = client.request("GET", "/", cookie=couple["bob"]["cookie"])
        if status != 200:
            raise RuntimeError(f"dashboard answered {status}")
        page_ms.append((time.perf_counter() - started) * 1000)

    async def pages():
        async for _ in paced(4, seconds):
            await loop.run_in_executor(None, page, random.choice(people))

    partner_frames.clear()
    futures = []
    page_task = asyncio.create_task(pages())
    with ThreadPoolExecutor(max_workers=8) as pool:
        async for index in paced(rate, seconds):
            token = f"{int(time.time() * 1000)}{index}"
            futures.append(loop.run_in_executor(pool, post, random.choice(people), token))
        await asyncio.gather(*futures)
    await page_task
    deadline = time.perf_counter() + 10
    while pending and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    lost = len(pending)
    pending.clear()
    return list(partner_frames.values()), lost, page_ms


async def run_configuration(people, *, cap, flood, rate, seconds, env, logs):
    procs = [
        start_gunicorn(env, logs, port=WEB_PORT, WEB_CONCURRENCY="2"),
        *(
            start_daphne(
                dict(env, REALTIME_SOCKETS_PER_PERSON=str(cap)),
                logs,
                port=WS_PORT + i,
                app="config.asgi:application",
                name=f"daphne-{i}-cap-{cap}",
            )
            for i in range(WS_PROCESSES)
        ),
    ]
    try:
        wait_port(WEB_PORT)
        for i in range(WS_PROCESSES):
            wait_port(WS_PORT + i)
        return await measure(people, cap=cap, flood=flood, rate=rate, seconds=seconds)
    finally:
        stop(procs)


async def measure(people, *, cap, flood, rate, seconds):
    flooder_couple, others = people[0], people[1:]
    client = Client()
    lock = threading.Lock()
    pending, partner_frames = {}, {}

    async def listen_partner(ws):
        async for frame in ws:
            now = time.perf_counter()
            for match in TOKEN.finditer(frame):
                with lock:
                    t0 = pending.pop(match.group(1), None)
                if t0 is not None:
                    partner_frames[match.group(1)] = (now - t0) * 1000

    async def drain(ws):
        async for _ in ws:
            pass

    # Partners on different processes; the flooder's partner holds one socket too.
    steady = await open_many(
        [
            (2 * i + k, couple[who]["cookie"])
            for i, couple in enumerate(others)
            for k, who in enumerate(("alice", "bob"))
        ]
        + [(1, flooder_couple["bob"]["cookie"])]
    )
    listeners = [
        asyncio.create_task(listen_partner(ws) if i % 2 == 1 else drain(ws))
        for i, ws in enumerate(steady[:-1])
    ] + [asyncio.create_task(drain(steady[-1]))]
    await asyncio.sleep(2)

    # Warm up every server process, then the unloaded measurement.
    await measure_others(
        others,
        rate=rate,
        seconds=3,
        client=client,
        partner_frames=partner_frames,
        pending=pending,
        lock=lock,
    )
    unloaded, unloaded_lost, unloaded_pages = await measure_others(
        others,
        rate=rate,
        seconds=seconds,
        client=client,
        partner_frames=partner_frames,
        pending=pending,
        lock=lock,
    )

    # The flood: one session, ``flood`` sockets, as fast as the servers take them.
    cookie = flooder_couple["alice"]["cookie"]
    opened_at = time.perf_counter()
    flood_sockets = await open_many([(i, cookie) for i in range(flood)])
    open_seconds = time.perf_counter() - opened_at
    renamed = {}  # flood socket index -> time its partner frame arrived

    async def listen_flood(index, ws):
        try:
            async for frame in ws:
                if "Renamed-by-bench" in frame:
                    renamed[index] = time.perf_counter()
        except websockets.exceptions.ConnectionClosed:
            pass

    flood_tasks = [asyncio.create_task(listen_flood(i, ws)) for i, ws in enumerate(flood_sockets)]
    # Settle: the replaced sockets close (with the cap), presence quietens.
    settle_deadline = time.perf_counter() + 30
    while time.perf_counter() < settle_deadline:
        open_now = sum(1 for ws in flood_sockets if ws.close_code is None)
        if open_now <= cap:
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)
    still_open = [i for i, ws in enumerate(flood_sockets) if ws.close_code is None]
    close_codes = sorted({ws.close_code for ws in flood_sockets if ws.close_code is not None})

    flooded, flooded_lost, flooded_pages = await measure_others(
        others,
        rate=rate,
        seconds=seconds,
        client=client,
        partner_frames=partner_frames,
        pending=pending,
        lock=lock,
    )

    # One push to the flooder: their partner renames themself.
    bob = flooder_couple["bob"]
    pushed_at = time.perf_counter()
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": bob["csrf"], "display_name": "Renamed-by-bench"}
    )
    status = await asyncio.to_thread(
        client.request, "POST", "/accounts/profile/", cookie=bob["cookie"], body=body
    )
    if status != 302:
        raise RuntimeError(f"rename answered {status}")
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline and not all(i in renamed for i in still_open):
        await asyncio.sleep(0.02)
    reached = [i for i in still_open if i in renamed]
    push_seconds = (max(renamed[i] for i in reached) - pushed_at) if reached else float("nan")

    for task in [*listeners, *flood_tasks]:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in [*steady, *flood_sockets]), return_exceptions=True)
    return {
        "cap": cap,
        "unloaded": summary(unloaded),
        "unloaded_lost": unloaded_lost,
        "unloaded_pages": summary(unloaded_pages),
        "flooded": summary(flooded),
        "flooded_lost": flooded_lost,
        "flooded_pages": summary(flooded_pages),
        "open_seconds": open_seconds,
        "still_open": len(still_open),
        "close_codes": close_codes,
        "push_seconds": push_seconds,
        "push_reached": len(reached),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--couples", type=int, default=50)
    parser.add_argument("--flood", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0, help="other couples' saves per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--cap", type=int, default=8)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--no-uncapped", action="store_true", help="skip the no-cap comparison")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    env = production_env(database=DB_NAME, redis_db=args.redis_db, DATABASE_POOL_MAX="20")
    print(f"preparing {args.couples + 1} couples ...", flush=True)
    people = prepare(env, args.couples + 1, args.redis_db)
    logs = Path(tempfile.mkdtemp(prefix="cg-flood-"))
    results = []
    for cap in [args.cap] + ([] if args.no_uncapped else [NO_CAP]):
        print(f"cap {cap}: {args.flood} sockets of one account ...", flush=True)
        result = asyncio.run(
            run_configuration(
                people,
                cap=cap,
                flood=args.flood,
                rate=args.rate,
                seconds=args.seconds,
                env=env,
                logs=logs,
            )
        )
        print(json.dumps(result, indent=1), flush=True)
        results.append(result)
        subprocess.run(["redis-cli", "-n", str(args.redis_db), "FLUSHDB"], capture_output=True)

    rows = [
        "| cap | others' save -> frame p50 / p95 ms, unloaded | with the flood open | ratio p50 "
        "| dashboard GET p50 / p95 ms, unloaded | with the flood | flooder's sockets left open "
        "| one push to all of them |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        label = "none" if r["cap"] == NO_CAP else str(r["cap"])
        rows.append(
            f"| {label} | {r['unloaded']['p50']:.1f} / {r['unloaded']['p95']:.1f} "
            f"| {r['flooded']['p50']:.1f} / {r['flooded']['p95']:.1f} "
            f"| **{r['flooded']['p50'] / r['unloaded']['p50']:.2f}x** "
            f"| {r['unloaded_pages']['p50']:.1f} / {r['unloaded_pages']['p95']:.1f} "
            f"| {r['flooded_pages']['p50']:.1f} / {r['flooded_pages']['p95']:.1f} "
            f"| {r['still_open']} of {args.flood} | {r['push_seconds'] * 1000:.0f} ms "
            f"to {r['push_reached']} |"
        )
    lost = sum(r["unloaded_lost"] + r["flooded_lost"] for r in results)
    capped = results[0]
    ratio = capped["flooded"]["p50"] / capped["unloaded"]["p50"]
    verdict = (
        f"With the cap ({capped['cap']}), one account's {args.flood} sockets leave another "
        f"couple's save -> frame p50 at **{ratio:.2f}x** its unloaded value "
        f"(target <= 2x); the flooder keeps {capped['still_open']} "
        f"sockets (the others closed with {capped['close_codes']}). Frames lost: {lost}."
    )
    table = "\n".join(rows)
    print(table)
    print(verdict)
    print(f"server logs: {logs}")
    if not args.no_write:
        write_section(
            "Socket flood",
            f"Measured {time.strftime('%Y-%m-%d')} with `bench/socket_flood.py --couples "
            f"{args.couples} --flood {args.flood} --rate {args.rate:g} --seconds "
            f"{args.seconds:g}`: gunicorn (2 workers), {WS_PROCESSES} daphne processes, "
            f"channels-redis and PostgreSQL 15 on this 2-core machine (client included). "
            f"{2 * args.couples} sockets of other couples stay open (partners on different "
            f"processes); one account opens {args.flood} sockets with one session, dealt "
            f"across both processes, 50 handshakes at a time. Latencies are other couples' "
            f"saves ({args.rate:g}/s, real POSTs) until the partner's frame, and another "
            f"person's dashboard (GET /, 4/s), first unloaded, then with the flood open; "
            f"servers restarted for each row.\n\n{table}\n\n{verdict}\n",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
