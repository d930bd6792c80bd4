"""Background tasks: enqueue -> start latency and throughput of the database
queue (django-tasks-db) with real `manage.py worker` processes on PostgreSQL.

- latency: one task at a time, queued by this process while the worker idles;
  the task writes the moment it starts. Per polling interval of the worker
  (`--interval`), with the idle worker's CPU and the queries it makes.
- throughput: 2,000 tasks queued first, then 1 or 2 workers drain them.

Writes the "Background tasks" section of docs/benchmarks.md.
"""

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The repository, not bench/ (bench/http.py would shadow the standard library).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.common import PY, ROOT, production_env, start, stop, write_section  # noqa: E402

DATABASE = "bench_tasks"
SAMPLES = 40
BATCH = 2000


def cpu_seconds(pid):
    total = 0.0
    for child in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def main():
    env = production_env(database=DATABASE, redis_db=13)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    import django

    django.setup()
    from bench.tasks import note_start

    logs = Path(tempfile.mkdtemp(prefix="bench-tasks-"))
    rows = []
    for interval in (1.0, 0.2, 0.05):
        log_path = logs / f"latency-{interval}.log"
        worker = start(
            [
                PY,
                "manage.py",
                "worker",
                "--no-reload",
                "--no-schedule",
                "--interval",
                str(interval),
            ],
            env,
            f"worker-{interval}",
            logs,
        )
        time.sleep(3)  # started and idle
        idle_from = cpu_seconds(worker.pid)
        time.sleep(10)
        idle_cpu = (cpu_seconds(worker.pid) - idle_from) / 10
        queued_at = {}
        for number in range(SAMPLES):
            time.sleep(random.uniform(0.05, 0.3))
            queued_at[number] = time.time()
            note_start.enqueue(log_path=str(log_path), number=number)
        deadline = time.time() + 60
        while time.time() < deadline:
            lines = log_path.read_text().splitlines() if log_path.exists() else []
            if len(lines) == SAMPLES:
                break
            time.sleep(0.1)
        stop([worker])
        latencies = sorted(
            (float(at) - queued_at[int(number)]) * 1000
            for number, at in (line.split() for line in lines)
        )
        rows.append(
            f"| {interval} s | {statistics.median(latencies):.0f} ms | "
            f"{latencies[int(len(latencies) * 0.95) - 1]:.0f} ms | {max(latencies):.0f} ms | "
            f"{idle_cpu * 100:.1f}% | {1 / interval:.0f} |"
        )
        print(rows[-1], flush=True)

    throughput = []
    for workers in (1, 2):
        log_path = logs / f"throughput-{workers}.log"
        for number in range(BATCH):
            note_start.enqueue(log_path=str(log_path), number=number)
        began = time.time()
        procs = [
            start(
                [PY, "manage.py", "worker", "--no-reload", "--no-schedule", "--interval", "0.2"],
                env,
                f"drain-{workers}-{n}",
                logs,
            )
            for n in range(workers)
        ]
        while True:
            done = len(log_path.read_text().splitlines()) if log_path.exists() else 0
            if done >= BATCH:
                break
            time.sleep(0.2)
        last = max(float(line.split()[1]) for line in log_path.read_text().splitlines())
        first = min(float(line.split()[1]) for line in log_path.read_text().splitlines())
        stop(procs)
        throughput.append(
            f"| {workers} | {BATCH / (last - first):.0f} tasks/s | {last - began:.1f} s |"
        )
        print(throughput[-1], flush=True)

    body = (
        "`python bench/tasks_latency.py`: django-tasks-db on the local PostgreSQL, real\n"
        "`manage.py worker` processes (production settings), a task that only notes when\n"
        f"it started. Latency: {SAMPLES} tasks queued one at a time at random moments while\n"
        "the worker idles; idle CPU of the worker process between tasks.\n\n"
        "| `--interval` | median enqueue->start | p95 | max | idle worker CPU | polls/s |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Throughput: {BATCH} tasks queued first, then drained (each row deleted on success).\n\n"
        "| workers | rate | all done after start (incl. Django start-up) |\n"
        "|---|---|---|\n" + "\n".join(throughput) + "\n\n"
    )
    write_section("Background tasks", body)


if __name__ == "__main__":
    main()
