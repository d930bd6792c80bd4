#!/usr/bin/env python
"""Account enumeration by timing (issue 13, item 3). Run on demand, never in CI:

    .venv/bin/python bench/enumeration_timing.py [--tries 20]

Serves the production WSGI role (gunicorn, production settings, argon2 as in
production, bench/settings.py) on a fresh database, and times, over the loopback,
the three places an outsider can type an address:

- signup with an address that has an account vs a new one;
- login with an existing address and a wrong password vs an unknown address;
- password reset for an existing address vs an unknown one.

Each try is a real browser-like exchange: GET the form (CSRF cookie and token),
then POST it; the POST's wall time is measured. Tries of the two kinds are
interleaved (taken, new, taken, new, ...), each with its own address, so that
throttles keyed on the address never kick in and load drift hits both alike; the
app's own rate limits are off in bench/settings.py (they are per address and
per IP, and 20 tries from one IP would trip them: that is what they are for).
The target: medians within 20% of each other, for each of the three.

Writes the "Account enumeration by timing" section of docs/benchmarks.md.
"""

import sys
from pathlib import Path

# This folder holds http.py: keep it off the import path before `http` is imported.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import http.client  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402

from bench.common import (  # noqa: E402
    PY,
    ROOT,
    production_env,
    psql,
    start_gunicorn,
    stop,
    wait_port,
    write_section,
)

DB_NAME = "bench_enum_commonground"
REDIS_DB = 8
PORT = 18090
SECTION = "Account enumeration by timing"
PASSWORD = "a long bench password 42"  # noqa: S105  throwaway accounts


def prepare(env, count):
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    code = (
        "import django; django.setup(); "
        "from couples.demo import person; "
        f"[person(f'taken-{{i}}@example.com', f'Taken {{i}}', {PASSWORD!r}) "
        f"for i in range({count})]"
    )
    subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True)


class Browser:
    """Cookies and the CSRF dance, by hand: production cookies are Secure, and the
    requests come "through the proxy" (X-Forwarded-Proto: https, as nginx sends)."""

    HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}

    def __init__(self):
        self.cookies = {}

    def _send(self, method, path, body=None, headers=()):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers = {**self.HEADERS, **dict(headers), **({"Cookie": cookie} if cookie else {})}
        start = time.perf_counter()
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, content.decode(), elapsed

    def get(self, path):
        return self._send("GET", path)[1]

    def post_form(self, path, fields):
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1{path}",
            "Origin": "https://127.0.0.1",
        }
        status, _content, elapsed = self._send("POST", path, body, headers)
        return elapsed, status


def signup(email):
    return Browser().post_form(
        "/accounts/signup/",
        {"email": email, "display_name": "Someone", "password1": PASSWORD, "password2": PASSWORD},
    )


def login(email):
    return Browser().post_form(
        "/accounts/login/", {"login": email, "password": "wrong " + PASSWORD}
    )


def reset(email):
    return Browser().post_form("/accounts/password/reset/", {"email": email})


def measure(action, tries, taken_offset):
    """Interleaved tries: an address with an account, then one without."""
    taken, new, statuses = [], [], set()
    for i in range(tries):
        ms, status = action(f"taken-{taken_offset + i}@example.com")
        taken.append(ms)
        statuses.add(("taken", status))
        ms, status = action(f"new-{taken_offset + i}-{time.monotonic_ns()}@example.com")
        new.append(ms)
        statuses.add(("new", status))
    return taken, new, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    env = production_env(
        database=DB_NAME, redis_db=REDIS_DB, BENCH_NO_RATE_LIMITS="1", TRUSTED_PROXY_COUNT="1"
    )
    print("preparing ...", flush=True)
    prepare(env, 3 * args.tries)
    logs = Path(tempfile.mkdtemp(prefix="cg-enum-"))
    procs = [start_gunicorn(env, logs, port=PORT, WEB_CONCURRENCY="1")]
    rows = [
        "| form | address with an account: median (p10-p90) ms | new address: median "
        "(p10-p90) ms | ratio of medians | statuses |",
        "|---|---|---|---:|---|",
    ]
    verdicts = []
    try:
        wait_port(PORT)
        Browser().get("/accounts/login/")  # warm-up
        for n, (name, action) in enumerate(
            (("signup", signup), ("login", login), ("password reset", reset))
        ):
            for warm in range(3):
                action(f"taken-{warm}@example.com")
            taken, new, statuses = measure(action, args.tries, n * args.tries)
            a, b = statistics.median(taken), statistics.median(new)
            ratio = max(a, b) / min(a, b)
            deciles = lambda xs: statistics.quantiles(xs, n=10)  # noqa: E731
            rows.append(
                f"| {name} | {a:.0f} ({deciles(taken)[0]:.0f}-{deciles(taken)[-1]:.0f}) | "
                f"{b:.0f} ({deciles(new)[0]:.0f}-{deciles(new)[-1]:.0f}) | {ratio:.2f} | "
                f"{', '.join(f'{k} {s}' for k, s in sorted(statuses))} |"
            )
            verdicts.append(f"{name} {'within' if ratio <= 1.2 else 'NOT within'} 20%")
            print(rows[-1], flush=True)
    finally:
        stop(procs)
    body = (
        f"Measured {time.strftime('%Y-%m-%d')} with `bench/enumeration_timing.py --tries "
        f"{args.tries}`: gunicorn (1 worker, production settings, argon2), the POST's wall "
        f"time over loopback, {args.tries} interleaved tries of each kind, each with its own "
        f"address; the app's rate limits off for the run (they would otherwise answer 429 "
        f"to both alike).\n\n"
        + "\n".join(rows)
        + "\n\nTarget: medians within 20%: "
        + "; ".join(verdicts)
        + ".\n"
    )
    print(body)
    if not args.no_write:
        write_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
