"""Settings for the real server process the browser tests drive.

The production settings, with only what a test server needs changed: it runs
with DEBUG off (error pages as people see them), serves static files straight
from the source folders through whitenoise (no collectstatic step), hashes
passwords with MD5 (factory users are made with it; argon2 costs ~0.8 s per
login), and writes email to files the test reads (EMAIL_BACKEND and
EMAIL_FILE_PATH come from the environment the harness sets).
"""

from config.settings import *  # noqa: F403

DEBUG = False
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: whitenoise serves from the finders
WHITENOISE_AUTOREFRESH = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Queued work (mail) runs at once inside the server: the journeys read the mail
# file right away. The worker process itself is proven by tests/test_tasks_worker.py.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
