"""`manage.py worker`: django-tasks-db's `db_worker`, plus the recurring tasks.

The Tasks API has no scheduler of its own. Beside the worker loop, a thread
makes sure each task in ``RECURRING_TASKS`` always has one run waiting, checked
every minute: when none is waiting (the last one ran), it queues the next for
one interval later; on a queue that never had one (a first start), one to run
at once as well. Several workers share the schedule
through the queue itself: a worker that finds a run waiting queues nothing.
(Two that look at the very same moment may both queue one; every recurring task
is idempotent, so that costs one extra clean-up, nothing else.)
"""

import logging
import os
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

logger = logging.getLogger(__name__)

SCHEDULE_CHECK_SECONDS = 60


def queue_recurring_tasks(*, first=False):
    """Queue each recurring task that has no run waiting; returns their paths."""
    from django_tasks_db.models import DBTaskResult

    try:
        from django.tasks import TaskResultStatus
    except ImportError:
        from django_tasks import TaskResultStatus

    queued = []
    for path, seconds in settings.RECURRING_TASKS.items():
        waiting = DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY)
        if waiting.exists():
            continue
        recurring = import_string(path)
        now = timezone.now()
        if first:
            recurring.enqueue()
        recurring.using(run_after=now + timedelta(seconds=seconds)).enqueue()
        queued.append(path)
    return queued


def _keep_schedule(stop):
    first = True
    while True:
        try:
            queue_recurring_tasks(first=first)
            first = False
        except Exception:
            logger.exception("Queueing the recurring tasks failed; trying again later.")
        finally:
            close_old_connections()
            connection.close()
        if stop.wait(SCHEDULE_CHECK_SECONDS):
            return


class Command(DbWorkerCommand):
    help = "Run the background worker (db_worker) with the recurring tasks' schedule"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Run queued tasks only; queue no recurring ones from this worker.",
        )

    def handle(self, *args, schedule=True, **options):
        # With --reload the first process only watches files and restarts the
        # second, which does the work: only that one keeps the schedule.
        watcher = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if schedule and not watcher:
            stop = threading.Event()
            threading.Thread(
                target=_keep_schedule, args=(stop,), name="recurring-tasks", daemon=True
            ).start()
        return super().handle(*args, **options)
