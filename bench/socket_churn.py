#!/usr/bin/env python
"""Socket churn benchmark (issue 11, item 5). Run on demand, never in CI:

    .venv/bin/python bench/socket_churn.py [--cycles 10000] [--parallel 4]

One daphne process serves the real ASGI app (config.asgi) in production
settings on the local PostgreSQL and Redis. A client then makes N cycles of
connect -> first frame -> disconnect against it, a few in parallel, for each
kind of socket, each kind in a fresh daphne process (so each RSS curve belongs
to one code path):

- ``linked``: a signed-in, linked person (real session cookie) whose partner
  keeps one socket open the whole run (so every cycle meets the presence
  exchange: hello, the partner's "here", bye); the first frame is the hello;
- ``anonymous``: no session; the server accepts and closes at once with 4401.

It samples the daphne process's RSS (/proc/<pid>/status VmRSS), the Redis
clients connected to the benchmark's database (``CLIENT LIST``), the keys in
that database and Redis's used memory: before the first cycle, after a warm-up
(the baseline: templates, the connection pools and the first-use caches are
loaded by then), every 1,000 cycles and after a settle period. Growth is
measured from the baseline to the end. Writes the "Socket churn" section of
docs/benchmarks.md.

A probe loaded into daphne (a sitecustomize on its PYTHONPATH, no app change)
writes, on SIGUSR1, what the channel layer holds in the process's receive
buffers and the growth of gc objects by type to a file in the log folder;
the bench signals it after the warm-up and at the end. ``--trace`` adds
tracemalloc's top allocation growth (slow: for finding, not measuring).

Needs the local PostgreSQL and Redis (database `bench_churn_commonground` is
recreated each run; Redis database 9).
"""

import sys
from pathlib import Path

# Keep this folder (it holds http.py) off the import path, as bench/http.py does.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import websockets  # noqa: E402

from bench.common import PY, ROOT, production_env, psql, start_daphne, stop, write_section  # noqa: E402

DB_NAME = "bench_churn_commonground"
REDIS_DB = 9
WS_PORT = 18301
ORIGIN = f"http://127.0.0.1:{WS_PORT}"
URL = f"ws://127.0.0.1:{WS_PORT}/ws/space/"

# Loaded by daphne through its PYTHONPATH (no app change): on SIGUSR1 it appends
# to $CHURN_PROBE_OUT what the channel layer holds for the process's channels,
# the growth of gc objects by type and, with CHURN_TRACEMALLOC=1 (--trace), the
# allocation sites grown since the previous signal.
SITECUSTOMIZE = r"""
import collections, gc, json, os, signal, time, tracemalloc

if os.environ.get("CHURN_TRACEMALLOC") == "1":
    tracemalloc.start(12)
_state = {}


def _layer():
    from channels.layers import channel_layers

    layer = channel_layers.backends.get("default")
    buffers = getattr(layer, "receive_buffer", {})
    kinds = collections.Counter(
        f"{m.get('type')}/{m.get('kind', '')}" for q in buffers.values() for m in list(q._queue)
    )
    released = getattr(buffers, "released", {})
    largest = sorted(buffers.items(), key=lambda item: -item[1].qsize())[:3]
    return {
        "buffers": len(buffers),
        "messages": sum(kinds.values()),
        "kinds": dict(kinds),
        "largest": [[name[-6:], q.qsize(), name in released] for name, q in largest],
        "released": len(released),
    }


def _dump(signum, frame):
    gc.collect()
    types = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
    snap = None
    if tracemalloc.is_tracing():
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
    with open(os.environ["CHURN_PROBE_OUT"], "a") as out:
        out.write(f"=== dump at {time.strftime('%H:%M:%S')} pid {os.getpid()}\n")
        try:
            out.write(f"layer-json {json.dumps(_layer())}\n")
        except Exception as error:
            out.write(f"layer-error {error!r}\n")
        if _state:
            out.write("--- gc objects by type (growth)\n")
            diff = types.copy()
            diff.subtract(_state["types"])
            for name, grown in diff.most_common(20):
                out.write(f"{grown:+8d} {name} (now {types[name]})\n")
        if snap is not None and _state.get("snap") is not None:
            out.write("--- top allocation growth by line\n")
            for stat in snap.compare_to(_state["snap"], "lineno")[:30]:
                out.write(f"{stat}\n")
            out.write("--- top allocation growth by traceback\n")
            for stat in snap.compare_to(_state["snap"], "traceback")[:8]:
                out.write(f"{stat}\n")
                for line in stat.traceback.format():
                    out.write(f"    {line}\n")
        out.write("=== end\n")
    _state["snap"], _state["types"] = snap, types


signal.signal(signal.SIGUSR1, _dump)
"""


def bench_env(**extra):
    return production_env(database=DB_NAME, redis_db=REDIS_DB, **extra)


def redis(*args):
    return subprocess.run(
        ["redis-cli", "-n", str(REDIS_DB), *args], check=True, capture_output=True, text=True
    ).stdout


def prepare(env):
    """A fresh database with a linked couple; returns both partners' cookies."""
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    redis("FLUSHDB")
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    code = (
        "import django, json; django.setup(); "
        "from bench.fixtures import linked_pair, session_cookie_for; "
        "alice, bob = linked_pair(); "
        "print(json.dumps([session_cookie_for(alice), session_cookie_for(bob)]))"
    )
    out = subprocess.run(
        [PY, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def proc_status(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field}")


def rss_kb(pid):
    return proc_status(pid, "VmRSS")


def redis_clients():
    """Clients connected to the benchmark's Redis database (other databases are
    other people's)."""
    return sum(
        1 for line in redis("CLIENT", "LIST").splitlines() if f" db={REDIS_DB} " in f" {line} "
    )


def redis_used_memory():
    for line in redis("INFO", "memory").splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":")[1])
    return 0


def sample(pid, label):
    return {
        "label": label,
        "rss_kb": rss_kb(pid),
        "threads": proc_status(pid, "Threads"),
        "clients": redis_clients(),
        "keys": int(redis("DBSIZE").strip() or 0),
        "redis_mb": redis_used_memory() / 2**20,
    }


async def wait_up(seconds=90):
    deadline = time.monotonic() + seconds
    while True:
        try:
            async with websockets.connect(URL, additional_headers={"Origin": ORIGIN}) as ws:
                await asyncio.wait_for(ws.recv(), 5)
        except websockets.exceptions.ConnectionClosed:
            return  # the anonymous socket's 4401: the server is up
        except (OSError, websockets.exceptions.InvalidHandshake, TimeoutError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


async def one_cycle(cookie):
    """Connect, take the first frame (the hello; anonymous: the 4401 close), leave."""
    headers = {"Origin": ORIGIN}
    if cookie:
        headers["Cookie"] = cookie
    async with websockets.connect(
        URL, additional_headers=headers, open_timeout=30, ping_interval=None
    ) as ws:
        try:
            frame = await asyncio.wait_for(ws.recv(), 30)
        except websockets.exceptions.ConnectionClosed as closed:
            if cookie or closed.rcvd is None or closed.rcvd.code != 4401:
                raise
            return
        if not cookie or 'data-kind="hello"' not in frame:
            raise RuntimeError(f"unexpected first frame {frame[:80]!r}")


async def churn(kind, cookies, args, pid, probe):
    """Returns the samples of one run (one daphne process)."""
    cookie = cookies[0] if kind == "linked" else None
    samples = [sample(pid, "before any socket")]
    partner = None
    partner_drops = 0
    if kind == "linked":
        # The partner keeps one socket open (reopened if the server drops it):
        # every cycle meets the presence exchange.
        partner_up = asyncio.Event()

        async def keep_partner():
            nonlocal partner_drops
            while True:
                try:
                    async with websockets.connect(
                        URL,
                        additional_headers={"Origin": ORIGIN, "Cookie": cookies[1]},
                        ping_interval=None,
                    ) as ws:
                        async for _frame in ws:
                            partner_up.set()
                except (OSError, websockets.exceptions.WebSocketException):
                    pass
                partner_drops += 1
                await asyncio.sleep(0.2)

        partner = asyncio.create_task(keep_partner())
        await asyncio.wait_for(partner_up.wait(), 30)
    errors = 0

    async def worker(count):
        nonlocal errors
        for _ in range(count):
            try:
                await one_cycle(cookie)
            except (OSError, websockets.exceptions.WebSocketException, TimeoutError) as error:
                errors += 1
                if errors <= 5:
                    print(f"  cycle failed: {type(error).__name__}: {error}", flush=True)

    async def run(count):
        share, rest = divmod(count, args.parallel)
        await asyncio.gather(*(worker(share + (i < rest)) for i in range(args.parallel)))

    await run(args.warmup)
    await asyncio.sleep(2)
    layer_start = await dump(pid, probe)
    samples.append(sample(pid, f"after {args.warmup} warm-up cycles (baseline)"))
    print(f"  {kind}: baseline {samples[-1]} layer {layer_start}", flush=True)
    started = time.perf_counter()
    measured = 0
    while measured < args.cycles:
        step = min(1000, args.cycles - measured)
        await run(step)
        measured += step
        samples.append(sample(pid, f"{measured} cycles"))
        print(f"  {kind}: {samples[-1]}", flush=True)
    elapsed = time.perf_counter() - started
    if partner is not None:
        partner.cancel()
        await asyncio.gather(partner, return_exceptions=True)
    await asyncio.sleep(args.settle)
    samples.append(sample(pid, f"{args.settle:g} s after the last socket"))
    layer_end = await dump(pid, probe)
    print(f"  {kind}: settled {samples[-1]} layer {layer_end}", flush=True)
    return {
        "kind": kind,
        "cycles": measured,
        "samples": samples,
        "errors": errors,
        "partner_drops": partner_drops,
        "seconds": elapsed,
        "layer": (layer_start, layer_end),
    }


async def dump(pid, out):
    """Ask daphne's probe for a dump, wait until it is written; returns what the
    channel layer held (receive buffers and the messages in them)."""
    path = Path(out)
    before = path.read_text().count("=== end") if path.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    while not path.exists() or path.read_text().count("=== end") == before:
        await asyncio.sleep(0.5)
    found = re.findall(r"^layer-json (.*)$", path.read_text(), flags=re.MULTILINE)
    return json.loads(found[-1]) if found else None


def measure(kind, cookies, args, logs):
    site = logs / "probe-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    probe = logs / f"probe-{kind}.txt"
    env = bench_env()
    env = bench_env(
        PYTHONPATH=f"{site}{os.pathsep}{env['PYTHONPATH']}",
        CHURN_PROBE_OUT=str(probe),
        CHURN_TRACEMALLOC="1" if args.trace else "0",
    )
    proc = start_daphne(env, logs, port=WS_PORT, app="config.asgi:application", name=kind)
    try:
        asyncio.run(wait_up())
        return asyncio.run(churn(kind, cookies, args, proc.pid, probe))
    finally:
        stop([proc])


def report(run):
    samples = run["samples"]
    base, end = samples[1], samples[-1]
    layer_end = run["layer"][1] or {}
    return {
        "kind": run["kind"],
        "start_mb": base["rss_kb"] / 1024,
        "end_mb": end["rss_kb"] / 1024,
        "growth": (end["rss_kb"] - base["rss_kb"]) / base["rss_kb"] * 100,
        "per_socket_b": (end["rss_kb"] - base["rss_kb"]) * 1024 / run["cycles"],
        # the benchmark's own redis-cli is one of the clients it counts: not shown
        "clients_before": base["clients"] - 1,
        "clients_after": end["clients"] - 1,
        "keys_after": end["keys"],
        "buffers_after": layer_end.get("buffers", "?"),
        "errors": run["errors"],
        "partner_drops": run["partner_drops"] if run["kind"] == "linked" else "-",
        "rate": run["cycles"] / run["seconds"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--parallel", type=int, default=4, help="cycles in flight at once")
    parser.add_argument("--warmup", type=int, default=500, help="cycles before the baseline")
    parser.add_argument("--settle", type=float, default=40.0, help="seconds before the last sample")
    parser.add_argument(
        "--kinds", default="linked,anonymous", help="comma-separated: linked, anonymous"
    )
    parser.add_argument("--trace", action="store_true", help="tracemalloc in daphne (slow)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--label", default="", help="a paragraph on this run for the report")
    args = parser.parse_args()

    env = bench_env()
    print("preparing a linked couple ...", flush=True)
    cookies = prepare(env)
    logs = Path(tempfile.mkdtemp(prefix="cg-churn-"))
    runs = []
    for kind in args.kinds.split(","):
        print(f"{kind}: {args.warmup} + {args.cycles} cycles, {args.parallel} at once", flush=True)
        runs.append(measure(kind, cookies, args, logs))

    rows = [
        "| socket | RSS baseline MB | RSS end MB | growth | per socket | "
        "Redis clients before / after | Redis keys after | layer buffers after | "
        "cycles/s | failed | partner socket dropped |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        r = report(run)
        rows.append(
            f"| {r['kind']} | {r['start_mb']:.1f} | {r['end_mb']:.1f} | {r['growth']:+.1f}% | "
            f"{r['per_socket_b']:.0f} B | {r['clients_before']} / {r['clients_after']} | "
            f"{r['keys_after']} | {r['buffers_after']} | {r['rate']:.0f} | {r['errors']} | "
            f"{r['partner_drops']} |"
        )
    curves = []
    for run in runs:
        points = ", ".join(f"{s['rss_kb'] / 1024:.0f}" for s in run["samples"][1:])
        curves.append(f"- {run['kind']}: RSS MB at baseline, every 1,000 cycles, settled: {points}")
    table = "\n".join(rows)
    print(table)
    print("\n".join(curves))
    print(f"server logs and probe dumps: {logs}")
    if not args.no_write:
        note = f"\n{args.label}\n" if args.label else ""
        write_section(
            "Socket churn",
            f"Measured {time.strftime('%Y-%m-%d')} with `bench/socket_churn.py --cycles "
            f"{args.cycles} --parallel {args.parallel}`: one daphne process (production "
            f"settings, channels-redis, psycopg pool) per kind of socket; {args.cycles} "
            f"connect -> first frame -> disconnect cycles after {args.warmup} warm-up ones "
            f"(the baseline), {args.parallel} at once, then {args.settle:g} s to settle. "
            "`linked`: a signed-in linked person, partner's socket open throughout (reopened if "
            "the server drops it: counted); "
            "`anonymous`: no session, closed at once with 4401. Redis clients: daphne's "
            "connections to its Redis database; layer buffers: channels-redis receive "
            "buffers left in the process. Target: growth <= 10% and Redis clients back "
            f"to baseline.\n\n{table}\n\n" + "\n".join(curves) + "\n" + note,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
