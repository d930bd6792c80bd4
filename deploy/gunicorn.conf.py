"""gunicorn for the plain-HTTP role (WSGI). Websockets go to daphne (ASGI)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
max_requests = 5000
max_requests_jitter = 500
timeout = 30
# Access logs off: request paths of this app can carry invite codes; the
# proxy's log is the operator's, and Django's own logging redacts.
accesslog = None
errorlog = "-"
forwarded_allow_ips = "*"
