"""A task for bench/tasks_latency.py: notes when it started, nothing else."""

import time

try:
    from django.tasks import task
except ImportError:
    from django_tasks import task


@task()
def note_start(*, log_path, number):
    with open(log_path, "a") as log:
        log.write(f"{number} {time.time()}\n")
