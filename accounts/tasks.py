"""Background work for accounts, run by the worker (`manage.py worker`).

Django's Tasks API: on Django 5.2 the ``django_tasks`` backport, on Django 6 the
same names in ``django.tasks`` (the only lines that differ are the imports).

- ``send_email``: the mail a request queued (accounts/mail.py), sent through
  ``EMAIL_DELIVERY_BACKEND``; a failed delivery is tried again later, with
  growing pauses, ``MAIL_ATTEMPTS`` times in all.
- ``clear_expired_sessions``: Django's ``clearsessions`` plus the user-session
  rows whose session is gone; on the worker's schedule (``RECURRING_TASKS``).
- ``prune_task_results``: failed tasks are kept ``FAILED_TASK_RETENTION`` for
  the operator to see, then deleted (a failed mail is still a mail).

Every finished task's row is deleted the moment it succeeds (``forget_success``):
the queue never keeps a sent mail, nor any other task's arguments.

Notifications (later) belong in ``couples/tasks.py``, enqueued by the service
that commits the change, after commit, with ids as arguments, never text.
"""

import logging
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.dispatch import receiver
from django.utils import timezone

try:  # Django 6
    from django.tasks import TaskResultStatus, task
    from django.tasks.signals import task_finished
except ImportError:  # Django 5.2: the backport
    from django_tasks import TaskResultStatus, task
    from django_tasks.signals import task_finished

logger = logging.getLogger(__name__)

MAIL_ATTEMPTS = 5
FAILED_TASK_RETENTION = timedelta(days=3)


@task()
def send_email(*, message, attempt=1):
    from .mail import QueuedEmailBackend, mail_from_json

    backend = settings.EMAIL_DELIVERY_BACKEND
    if backend == f"{QueuedEmailBackend.__module__}.{QueuedEmailBackend.__name__}":
        raise ImproperlyConfigured("EMAIL_DELIVERY_BACKEND must be a backend that sends.")
    try:
        get_connection(backend, fail_silently=False).send_messages([mail_from_json(message)])
    except Exception:
        if attempt >= MAIL_ATTEMPTS:
            raise
        # Not the exception itself: an SMTP refusal names the recipients.
        logger.warning("Sending a mail failed (attempt %d); it is queued again.", attempt)
        later = timezone.now() + timedelta(minutes=2**attempt)
        send_email.using(run_after=later).enqueue(message=message, attempt=attempt + 1)


@task()
def clear_expired_sessions():
    from allauth.usersessions.models import UserSession

    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        live = Session.objects.values("session_key")
        UserSession.objects.exclude(session_key__in=live).delete()


@task()
def prune_task_results():
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL],
        finished_at__lt=timezone.now() - FAILED_TASK_RETENTION,
    ).delete()


@receiver(task_finished, dispatch_uid="accounts.tasks.forget_success")
def forget_success(sender, task_result, **kwargs):
    """A task that succeeded leaves nothing behind (its arguments may be a mail)."""
    if task_result.status != TaskResultStatus.SUCCESSFUL:
        return
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    # The worker sends the backend itself, or its class.
    backend_class = sender if isinstance(sender, type) else type(sender)
    if not issubclass(backend_class, DatabaseBackend):
        return
    try:
        DBTaskResult.objects.filter(id=task_result.id).delete()
    except Exception:
        # Raising here would mark the task failed after it succeeded; the daily
        # prune is the backstop for a row left behind.
        logger.exception("Deleting a finished task's row failed.")
