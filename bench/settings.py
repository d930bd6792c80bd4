"""Benchmark-only settings: the production settings plus one bare view.

The bare view goes through the whole middleware stack and returns a constant:
it is the yardstick the dashboard and the serving paths are compared with.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Production settings, but the benchmarks furnish their own demo couples
# (manage.py demo_space refuses in production otherwise).
DEMO_SPACE_ALLOWED = True
