"""Benchmark-only settings: the production settings plus one bare view.

The bare view goes through the whole middleware stack and returns a constant:
it is the yardstick the dashboard and the serving paths are compared with.
"""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Production settings, but the benchmarks furnish their own demo couples
# (manage.py demo_space refuses in production otherwise).
DEMO_SPACE_ALLOWED = True

# bench/enumeration_timing.py times 20 tries of each form from one address: the
# app's own rate limits would answer 429 (to both kinds alike) long before.
if os.environ.get("BENCH_NO_RATE_LIMITS"):
    ACCOUNT_RATE_LIMITS = False
