"""gunicorn for the plain-HTTP role (WSGI). Websockets go to daphne (ASGI).

Read with the same strict helpers as the settings (config/env.py): a value they
do not understand stops gunicorn before it serves anything.
"""

import multiprocessing
import os
import sys
from pathlib import Path

# gunicorn reads this file before it changes into the project: import from it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.env import env_int, env_list, env_str

bind = env_str("GUNICORN_BIND", "0.0.0.0:8000")
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2, minimum=1)
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 2, minimum=1)
# Each worker's database pool, sized from its threads: one connection for each
# request thread and one for the live-frames writer (realtime/writer.py), so no
# request waits for a connection and no worker holds more than it can use.
# Workers are forked from here and inherit it (README, "Connection budget").
os.environ.setdefault("DATABASE_POOL_MAX", str(threads + 1))
max_requests = 5000
max_requests_jitter = 500
timeout = 30
# Access logs off: request paths of this app can carry invite codes; the
# proxy's log is the operator's, and Django's own logging redacts.
accesslog = None
errorlog = "-"
# X-Forwarded-Proto (and the other forwarding headers) are believed only from
# the trusted proxy's own address, and from nobody without a proxy: never "*".
forwarded_allow_ips = (
    ",".join(env_list("TRUSTED_PROXY_ADDRESSES", ["127.0.0.1", "::1"]))
    if env_int("TRUSTED_PROXY_COUNT", 0)
    else ""
)
