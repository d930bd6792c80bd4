#!/usr/bin/env python
"""Live-sync latency benchmark (issue 4, item 8). Run on demand, never in CI:

    .venv/bin/python bench/sync_latency.py [--couples 500] [--rate 50] [--seconds 30]

With N couples connected (2N sockets, one per partner, each a real websocket to
daphne with a real session cookie) it makes a steady rate of saves — real HTTP
POSTs of a new "what my no means" statement to gunicorn (WSGI), each carrying a
unique token — and measures the time from the POST leaving the client to the
partner's socket receiving the frame that contains the token (the partial
rendered for the partner, through channels-redis and the consumer).
Then the same number of sockets and the same rate through a bare Channels echo
(client A -> consumer -> group_send over the same Redis -> consumer -> client B)
as the yardstick. Reports p50/p95/p99/max and the p50 ratio, and writes the
"Live sync" section of docs/benchmarks.md.

Needs the local PostgreSQL and Redis (database `bench_sync_commonground` is
recreated each run; Redis database 6).
"""

import sys
from pathlib import Path

# Keep this folder (it holds http.py) off the import path, as bench/http.py does.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
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
    cpu_rows,
    cpu_seconds,
    production_env,
    psql,
    start_daphne,
    start_gunicorn,
    stop,
    wait_port,
    write_section,
)

DB_NAME = "bench_sync_commonground"
WEB_PORT, WS_PORT = 18200, 18201
TOKEN = re.compile(r"bench-tok-(\d+)-x")


def bench_env():
    return production_env(database=DB_NAME, redis_db=6, DATABASE_POOL_MAX="20")


def prepare(env, couples):
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    subprocess.run(["redis-cli", "-n", "6", "FLUSHDB"], check=True, capture_output=True)
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
    import json

    return json.loads(out.strip().splitlines()[-1])


def summary(latencies_ms):
    ordered = sorted(latencies_ms)

    def pct(p):
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": pct(95),
        "p99": pct(99),
        "max": ordered[-1],
    }


async def open_sockets(urls_and_cookies, origin):
    """Open every socket, 50 at a time; returns them in the given order."""
    sockets = [None] * len(urls_and_cookies)

    async def one(index, url, cookie):
        for attempt in range(5):  # a busy server may drop a handshake: try again
            try:
                sockets[index] = await websockets.connect(
                    url,
                    additional_headers={"Cookie": cookie, "Origin": origin},
                    max_size=None,
                    open_timeout=120,
                    ping_interval=None,
                )
                return
            except (OSError, websockets.exceptions.InvalidHandshake, TimeoutError):
                if attempt == 4:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))

    items = list(enumerate(urls_and_cookies))
    for start_at in range(0, len(items), 50):
        await asyncio.gather(*(one(i, u, c) for i, (u, c) in items[start_at : start_at + 50]))
    return sockets


def ws_port(index, processes):
    """Sockets are dealt across the daphne processes; a couple's two partners land
    on different ones, so every push crosses processes through Redis."""
    return WS_PORT + index % processes


async def paced(rate, seconds):
    """Yield 0, 1, 2, ... on a fixed schedule for ``seconds``: step i is due
    i / ``rate`` seconds after the start (a step that is late goes at once)."""
    started = time.perf_counter()
    for index in itertools.count():
        due = started + index / rate
        if due - started >= seconds:
            return
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        yield index


async def wind_down(pending, listeners, sockets, grace=10.0):
    """Wait up to ``grace`` seconds for the frames still expected, then stop
    listening and close; returns how many never arrived."""
    deadline = time.perf_counter() + grace
    while pending and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return len(pending)


# A whole heartbeat interval (15 s, realtime/consumers.py), so the idle rate
# counts every socket's heartbeat once.
IDLE_SECONDS = 15.0
WARM_UP_SAVES = 40


async def measure_saves(people, rate, seconds, processes, roles):
    """Real HTTP POSTs of statements; latency until the partner's frame has the
    token; and the CPU each server role spent per save (net of its idle rate
    with the same sockets open, measured just before)."""
    origin = f"http://127.0.0.1:{WS_PORT}"
    sockets = await open_sockets(
        [
            (f"ws://127.0.0.1:{ws_port(i, processes)}/ws/space/", couple[who]["cookie"])
            for i, (couple, who) in enumerate(
                (couple, who) for couple in people for who in ("alice", "bob")
            )
        ],
        origin,
    )
    pending = {}  # token -> t0
    arrived = {}  # token -> latency ms
    post_ms = []  # how long the POST itself took (its share of the latency)
    lock = threading.Lock()

    async def listen(ws, is_partner):
        async for frame in ws:
            now = time.perf_counter()
            if not is_partner or "bench-tok-" not in frame:
                continue
            for match in TOKEN.finditer(frame):
                token = match.group(1)
                with lock:
                    t0 = pending.pop(token, None)
                if t0 is not None:
                    arrived[token] = (now - t0) * 1000

    listeners = [
        asyncio.create_task(listen(ws, is_partner=(i % 2 == 1))) for i, ws in enumerate(sockets)
    ]
    local = threading.local()

    def connection(fresh=False):
        if fresh or getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=30)
        return local.conn

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
        headers = {
            "Cookie": alice["cookie"],
            "Content-Type": "application/x-www-form-urlencoded",
            "Host": "127.0.0.1",
        }
        with lock:
            pending[token] = time.perf_counter()
        t_post = time.perf_counter()
        for attempt in (1, 2):
            conn = connection(fresh=attempt == 2)
            try:
                conn.request("POST", "/statements/new/", body=body, headers=headers)
                response = conn.getresponse()
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # gunicorn closed this idle keep-alive connection: the request
                # never reached the app, so it goes again on a new connection.
                if attempt == 2:
                    raise
        response.read()
        post_ms.append((time.perf_counter() - t_post) * 1000)
        if response.status not in (200, 302):
            raise RuntimeError(f"save failed with {response.status}")

    await asyncio.sleep(2)  # let hello frames and presence settle
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=4) as pool:
        # Warm up every server process (first requests, template loading).
        await asyncio.gather(
            *(
                loop.run_in_executor(pool, post, random.choice(people), str(10**9 + n))
                for n in range(WARM_UP_SAVES)
            )
        )
    warm_deadline = time.perf_counter() + 30
    while pending and time.perf_counter() < warm_deadline:
        await asyncio.sleep(0.05)
    pending.clear()
    arrived.clear()
    post_ms.clear()
    idle_from = cpu_seconds(roles)
    await asyncio.sleep(IDLE_SECONDS)
    idle_to = cpu_seconds(roles)
    idle_rate = {role: (idle_to[role] - idle_from[role]) / IDLE_SECONDS for role in roles}
    futures = []
    before, started = cpu_seconds(roles), time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        async for index in paced(rate, seconds):
            couple = random.choice(people)
            futures.append(loop.run_in_executor(pool, post, couple, str(index)))
        await asyncio.gather(*futures)
    deadline = time.perf_counter() + 10.0
    while pending and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    after, elapsed = cpu_seconds(roles), time.perf_counter() - started
    cpu = cpu_rows(before, after, idle_rate, elapsed, len(futures))
    missing = await wind_down(pending, listeners, sockets)
    return list(arrived.values()), missing, post_ms, cpu


async def measure_echo(pairs, rate, seconds, processes):
    """The yardstick: A -> consumer -> group_send (same Redis) -> consumer -> B."""
    origin = f"http://127.0.0.1:{WS_PORT}"
    sockets = await open_sockets(
        [
            (f"ws://127.0.0.1:{ws_port(2 * pair + k, processes)}/ws/bench-echo/{pair}/", "")
            for pair in range(pairs)
            for k in (0, 1)
        ],
        origin,
    )
    pending, arrived = {}, {}

    async def listen(ws):
        async for frame in ws:
            now = time.perf_counter()
            t0 = pending.pop(frame, None)
            if t0 is not None:
                arrived[frame] = (now - t0) * 1000

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets[1::2]]
    await asyncio.sleep(1)
    async for index in paced(rate, seconds):
        pair = random.randrange(pairs)
        token = f"echo-{index}"
        pending[token] = time.perf_counter()
        await sockets[2 * pair].send(token)
    missing = await wind_down(pending, listeners, sockets)
    return list(arrived.values()), missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--couples", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0, help="saves per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--ws-processes", type=int, default=2, help="daphne processes (compose runs 2 ws replicas)"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--label", default="", help="a sub-heading for this run in the report")
    args = parser.parse_args()

    env = bench_env()
    print(f"preparing {args.couples} couples ...", flush=True)
    people = prepare(env, args.couples)
    logs = Path(tempfile.mkdtemp(prefix="cg-sync-"))
    procs = [
        start_gunicorn(env, logs, port=WEB_PORT, WEB_CONCURRENCY="2"),
        *(
            start_daphne(
                env, logs, port=WS_PORT + i, app="bench.asgi:application", name=f"daphne-{i}"
            )
            for i in range(args.ws_processes)
        ),
    ]
    try:
        wait_port(WEB_PORT)
        for i in range(args.ws_processes):
            wait_port(WS_PORT + i)
        print(
            f"{2 * args.couples} sockets, {args.rate}/s saves for {args.seconds}s ...", flush=True
        )
        roles = {
            "gunicorn": procs[0],
            **{f"daphne-{i}": proc for i, proc in enumerate(procs[1:])},
            "postgres": "postgres",
            "redis": "redis-server",
        }
        saves, saves_missing, post_ms, cpu = asyncio.run(
            measure_saves(people, args.rate, args.seconds, args.ws_processes, roles)
        )
        print(f"saves: {summary(saves)} lost {saves_missing}", flush=True)
        print(f"CPU ms per save: {cpu} (total {sum(cpu.values()):.1f})", flush=True)
        time.sleep(3)  # let the server finish closing the first thousand sockets
        print("bare echo, same sockets and rate ...", flush=True)
        echo, echo_missing = asyncio.run(
            measure_echo(args.couples, args.rate, args.seconds, args.ws_processes)
        )
    finally:
        stop(procs)
    save_stats, echo_stats = summary(saves), summary(echo)
    ratio = save_stats["p50"] / echo_stats["p50"]
    rows = [
        "| path | frames | p50 ms | p95 ms | p99 ms | max ms | lost |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, stats, lost in (
        ("save (HTTP POST) -> partner's frame", save_stats, saves_missing),
        ("of which: the POST itself (until its response)", summary(post_ms), 0),
        ("bare Channels echo via Redis", echo_stats, echo_missing),
    ):
        rows.append(
            f"| {label} | {stats['n']} | {stats['p50']:.1f} | {stats['p95']:.1f} | "
            f"{stats['p99']:.1f} | {stats['max']:.1f} | {lost} |"
        )
    table = "\n".join(rows)
    cpu_table = "\n".join(
        [
            "| role | CPU ms per save |",
            "|---|---:|",
            *(f"| {role} | {ms:.1f} |" for role, ms in cpu.items()),
            f"| **all processes** | **{sum(cpu.values()):.1f}** |",
        ]
    )
    verdict = (
        f"p50 ratio save/echo: {ratio:.1f}x; p95 save -> partner's frame "
        f"**{save_stats['p95']:.1f} ms** (target <= 50 ms at 50 saves/s), "
        f"lost **{saves_missing}**; CPU per save over all server processes "
        f"**{sum(cpu.values()):.1f} ms** (target <= 15 ms; net of the sockets' idle "
        f"heartbeats, measured for {IDLE_SECONDS:g} s before)."
    )
    table = f"{table}\n\n{cpu_table}"
    print(table)
    print(verdict)
    print(f"server logs: {logs}")
    if not args.no_write:
        write_section(
            f"Live sync{' ' + args.label if args.label else ''}",
            f"Measured {time.strftime('%Y-%m-%d')} with `bench/sync_latency.py --couples "
            f"{args.couples} --rate {args.rate:g} --seconds {args.seconds:g}`: "
            f"{2 * args.couples} websockets over {args.ws_processes} daphne processes (partners "
            f"on different ones), saves through gunicorn "
            f"(2 workers), channels-redis, PostgreSQL 15, on this 2-core machine (client, "
            f"servers, Redis and PostgreSQL all share the two cores).\n\n{table}\n\n{verdict}\n",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
