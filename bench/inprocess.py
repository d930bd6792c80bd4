#!/usr/bin/env python
"""In-process CPU per request (issue 11, item 5). Run on demand, never in CI:

    .venv/bin/python bench/inprocess.py [--requests 2000] [--rounds 5] [--profile CASE]

No server and no sockets: the production WSGI application object (production
settings, bench/settings.py, on PostgreSQL — database `bench_mw_commonground`,
made afresh each run, Redis db 10) is called directly, with the headers nginx
adds (X-Forwarded-Proto: https, X-Forwarded-For), for

  a. the bare view (bench/urls.py: the whole middleware stack, a constant answer),
  b. the signed-in floor (a view that only reads the signed-in person),
  c. the signed-in dashboard of a furnished couple (bench/fixtures.py).

CPU is this thread's (time.thread_time): PostgreSQL's own work and the wait for
it are not counted. Each case is warmed up, then timed over --requests requests
per round; the median of --rounds rounds is reported. Targets: bare view
<= 0.3 ms, dashboard <= 2 ms.

A second pass runs the same requests through the same stack with a timing mark
between every two middleware (and on their process_view hooks), which gives
each middleware's own share (its code before and after the layers inside it).
The marks cost a little themselves, so the breakdown's total is slightly above
the plain figure. For the signed-in cases the queries are also counted and the
view's own time split (session and user queries, couple lookup, template).

Each round of the production stack alternates with a round of the same stack
as it was before issue 11 (django-csp's own middleware, Django's own message
storage, the no-store rule asking ``request.user`` every time), so the saving is
measured against load drift on this shared machine (median of paired rounds).

Results are printed and written to docs/benchmarks.md (section "In-process CPU
per request"). --profile bare|floor|dashboard prints a cProfile of that case
instead (nothing written).
"""

import argparse
import io
import itertools
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

# bench/http.py shares its name with the standard library's `http` package: take
# this folder off the import path before anything imports `http.client`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import production_env, write_section  # noqa: E402

DB_NAME = "bench_mw_commonground"
REDIS_DB = 10
SECTION = "In-process CPU per request"
TARGETS_MS = {"bare": 0.3, "dashboard": 2.0}


def prepare_database():
    """A fresh database each run, so every run renders the same furnished space."""
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qtAc", sql],
            capture_output=True,
            check=True,
        )


def setup_django():
    # Requests carry nginx's X-Forwarded-Proto: https, so the HTTPS redirect can stay on
    # as in production (bench/common.py turns it off for the plain-HTTP servers).
    os.environ.update(
        production_env(
            database=DB_NAME, redis_db=REDIS_DB, TRUSTED_PROXY_COUNT="1", SECURE_SSL_REDIRECT="true"
        )
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Production serves hashed static names from the manifest (templates need it).
    call_command("collectstatic", interactive=False, verbosity=0)


# --- requests ---------------------------------------------------------------------


def environ_for(path, cookie=None):
    """What gunicorn hands the application for a GET that came through nginx."""
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "18000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) bench",
        "HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8",
        "HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def call(app, environ):
    """One request, as a WSGI server makes it: call, read the body, close."""
    status = []

    def start_response(s, headers, exc_info=None):
        status.append((s, headers))

    env = dict(environ, **{"wsgi.input": io.BytesIO(b"")})
    result = app(env, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return status[0][0], dict(status[0][1]), body


def check(app, name, environ, expect_text):
    status, headers, body = call(app, environ)
    if not status.startswith("200"):
        raise RuntimeError(f"{name}: {status}")
    if expect_text not in body:
        raise RuntimeError(f"{name}: unexpected body {body[:200]!r}")
    return headers


def cpu_per_request_ms(app, environ, requests):
    start = time.thread_time()
    for _ in range(requests):
        call(app, environ)
    return (time.thread_time() - start) * 1000 / requests


# --- the stack as it was before issue 11, for the paired comparison ----------------


class OriginalPrivateNoStore:
    """config.middleware.PrivateNoStoreMiddleware as first written: it asks
    ``request.user`` on every response (building the anonymous user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(
            ("/accounts/", "/join/")
        ):
            add_never_cache_headers(response)
        return response


LIBRARY_MIDDLEWARE = {
    "config.middleware.CSPMiddleware": "csp.middleware.CSPMiddleware",
    "config.middleware.PrivateNoStoreMiddleware": "bench.inprocess.OriginalPrivateNoStore",
}
LIBRARY_MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"


def library_stack_app(middleware):
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    sys.modules.setdefault("bench.inprocess", sys.modules[__name__])
    with override_settings(MIDDLEWARE=[LIBRARY_MIDDLEWARE.get(m, m) for m in middleware]):
        return WSGIHandler()


def library_rounds_ms(app, environ, requests):
    """One round of the pre-issue-11 stack (its message storage is read per request)."""
    from django.test.utils import override_settings

    with override_settings(MESSAGE_STORAGE=LIBRARY_MESSAGE_STORAGE):
        return cpu_per_request_ms(app, environ, requests)


# --- per-middleware marks ---------------------------------------------------------

MARKS = defaultdict(float)  # (index, "call" | "view") -> CPU seconds, inclusive


class Mark:
    """Put between two middleware: records the CPU spent inside it (everything
    further in) and the moment each process_view hook chain reaches it."""

    index = 0

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.thread_time()
        try:
            return self.get_response(request)
        finally:
            MARKS[(self.index, "call")] += time.thread_time() - start

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._bench_view_marks.append((self.index, time.thread_time()))


class Passthrough:
    """A middleware that does nothing: its row is what the marks themselves cost."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


def mark_class(index):
    return type(f"Mark{index}", (Mark,), {"index": index})


class Outer:
    """The outermost layer: where the process_view marks start being collected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._bench_view_marks = []
        response = self.get_response(request)
        marks = request._bench_view_marks
        for (i, t0), (_, t1) in itertools.pairwise(marks):
            MARKS[(i, "view")] += t1 - t0
        return response


def instrumented_app(middleware):
    """The same WSGI handler with a mark around and between every middleware."""
    module = sys.modules[__name__]
    # Run as a script this module is __main__: let Django import it by its name.
    sys.modules.setdefault("bench.inprocess", module)
    paths = ["bench.inprocess.Outer"]
    for i, path in enumerate(middleware):
        cls = mark_class(i)
        setattr(module, cls.__name__, cls)
        paths += [f"bench.inprocess.{cls.__name__}", path]
    last = mark_class(len(middleware))
    setattr(module, last.__name__, last)
    paths.append(f"bench.inprocess.{last.__name__}")
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=paths):
        return WSGIHandler()


def breakdown(app, environ, requests, middleware):
    """CPU ms per request of each middleware's own code, the view layer and the
    handler around them (request object, request_started/finished signals)."""
    MARKS.clear()
    call(app, environ)
    MARKS.clear()
    start = time.thread_time()
    for _ in range(requests):
        call(app, environ)
    total = time.thread_time() - start
    n = len(middleware)
    per = lambda seconds: seconds * 1000 / requests  # noqa: E731
    rows = [("handler: WSGIRequest, signals, response close", per(total - MARKS[(0, "call")]))]
    for i, path in enumerate(middleware):
        own = MARKS[(i, "call")] - MARKS[(i + 1, "call")]
        rows.append((path, per(own), per(MARKS[(i, "view")])))
    # Inside the last mark: URL resolution, the process_view hooks, the view.
    inner = MARKS[(n, "call")] - sum(MARKS[(i, "view")] for i in range(n))
    rows.append(("URL resolving + view (+ its template)", per(inner)))
    return per(total), rows


# --- the view's own time ----------------------------------------------------------


def query_summary(app, environ):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call(app, environ)
    return [q["sql"][:90] for q in ctx.captured_queries]


def dashboard_split(cookie, requests):
    """The dashboard view's work in pieces, each measured on its own, the way the
    view does it (session and user, couple-and-partner lookup, the page)."""
    from django.conf import settings
    from django.contrib.auth import get_user
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from couples.access import current_space

    key = cookie.split(f"{settings.SESSION_COOKIE_NAME}=")[1].split(";")[0]
    factory = RequestFactory()

    def session_and_user():
        request = factory.get("/")
        request.session = SessionStore(key)
        return get_user(request)

    user = session_and_user()

    def timed(fn):
        fn()
        start = time.thread_time()
        for _ in range(requests):
            fn()
        return (time.thread_time() - start) * 1000 / requests

    return {
        "session + user queries (get_user)": timed(session_and_user),
        "couple-and-partner lookup (current_space)": timed(lambda: current_space(user)),
    }


# --- main ---------------------------------------------------------------------------


def profile(app, environ, requests):
    import cProfile
    import pstats

    for _ in range(200):
        call(app, environ)
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    for _ in range(requests):
        call(app, environ)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(60)


def short(path):
    return path.rsplit(".", 1)[-1] if "." in path else path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per round (bare view)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", choices=["bare", "floor", "dashboard"])
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    prepare_database()
    setup_django()
    from django.conf import settings

    from bench.fixtures import signed_in_member_cookie
    from config.wsgi import application

    cookie = signed_in_member_cookie()
    # Signed-in requests cost ~10x the bare one: fewer of them keep the run short.
    signed_in = max(args.requests // 4, 100)
    cases = {
        "bare": ("bare view (anonymous)", environ_for("/bench/bare/"), b"ok", args.requests),
        "floor": (
            "signed-in floor (session + person)",
            environ_for("/bench/whoami/", cookie),
            b"",
            signed_in,
        ),
        "dashboard": (
            "signed-in dashboard, furnished couple",
            environ_for("/", cookie),
            b"</html>",
            signed_in,
        ),
    }
    for name, (_label, environ, expect, _n) in cases.items():
        headers = check(application, name, environ, expect)
        assert "Content-Security-Policy" in headers, name
        assert "Strict-Transport-Security" in headers, name
        if name != "bare":
            assert "no-store" in headers["Cache-Control"], name

    if args.profile:
        _label, environ, _expect, n = cases[args.profile]
        profile(application, environ, n)
        return 0

    before_app = library_stack_app(settings.MIDDLEWARE)
    results, before = {}, {}
    for name, (label, environ, _expect, n) in cases.items():
        # Same answer from both stacks (Expires is the clock, Set-Cookie a fresh token).
        varying = ("Expires", "Set-Cookie")
        now, then = (call(app, environ)[1] for app in (application, before_app))
        if {k: v for k, v in now.items() if k not in varying} != {
            k: v for k, v in then.items() if k not in varying
        }:
            raise RuntimeError(f"{name}: headers differ from the stack before issue 11")
        for _ in range(max(n // 4, 50)):  # warm-up: templates, pools, caches
            call(application, environ)
        library_rounds_ms(before_app, environ, max(n // 4, 50))
        rounds, old = [], []
        for _ in range(args.rounds):  # alternating: the same load for both
            rounds.append(cpu_per_request_ms(application, environ, n))
            old.append(library_rounds_ms(before_app, environ, n))
        results[name] = (label, statistics.median(rounds), min(rounds), max(rounds), n)
        saving = statistics.median(o - r for o, r in zip(old, rounds, strict=True))
        before[name] = (statistics.median(old), min(old), max(old), saving)
        print(
            f"{label:40s} {results[name][1]:7.3f} ms CPU/request "
            f"(rounds {min(rounds):.3f}-{max(rounds):.3f}, {n} requests each); "
            f"before issue 11 {before[name][0]:.3f}, paired saving {saving:.3f}",
            flush=True,
        )

    middleware = [*settings.MIDDLEWARE, "bench.inprocess.Passthrough"]
    marked = instrumented_app(middleware)
    library_middleware = [LIBRARY_MIDDLEWARE.get(m, m) for m in middleware]
    marked_before = instrumented_app(library_middleware)
    from django.test.utils import override_settings

    def split(app, environ, n, stack):
        for _ in range(50):
            call(app, environ)
        runs = [breakdown(app, environ, n, stack) for _ in range(3)]
        # Median per row over the three runs.
        total = statistics.median(r[0] for r in runs)
        rows = []
        for i, row in enumerate(runs[0][1]):
            values = [statistics.median(r[1][i][k] for r in runs) for k in range(1, len(row))]
            rows.append((row[0], *values))
        return total, rows

    splits = {}
    for name, (_label, environ, _expect, n) in cases.items():
        splits[name] = split(marked, environ, n, middleware)
    with override_settings(MESSAGE_STORAGE=LIBRARY_MESSAGE_STORAGE):
        splits["bare before"] = split(marked_before, cases["bare"][1], cases["bare"][3], middleware)
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=[]):
        empty = WSGIHandler()
    bare_environ, bare_n = cases["bare"][1], cases["bare"][3]
    for _ in range(200):
        call(empty, bare_environ)
    no_middleware = statistics.median(
        cpu_per_request_ms(empty, bare_environ, bare_n) for _ in range(args.rounds)
    )
    queries = {name: query_summary(application, cases[name][1]) for name in ("floor", "dashboard")}
    dash = dashboard_split(cookie, signed_in)

    # --- report -------------------------------------------------------------------
    lines = [
        "| case | CPU ms / request (median) | rounds min-max | target "
        "| stack before issue 11 (median, min-max) | saving (paired median) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (label, median, low, high, _n) in results.items():
        target = f"≤ {TARGETS_MS[name]} ms" if name in TARGETS_MS else "—"
        old, old_low, old_high, saving = before[name]
        lines.append(
            f"| {label} | {median:.3f} | {low:.3f}-{high:.3f} | {target} "
            f"| {old:.3f} ({old_low:.3f}-{old_high:.3f}) | {saving:.3f} |"
        )
    table = "\n".join(lines)

    columns = {"bare before": "bare view, stack before issue 11", **{n: cases[n][0] for n in cases}}
    head = "| layer (outermost first) | " + " | ".join(columns.values()) + " |"
    mw = [head, "|---|" + "---:|" * len(columns)]
    labels = [row[0] for row in splits["bare"][1]]
    for i, label in enumerate(labels):
        cells = []
        for name in columns:
            row = splits[name][1][i]
            cell = f"{row[1]:.3f}"
            if len(row) > 2 and row[2] >= 0.003:  # below that: the marks' own cost
                cell += f" (+{row[2]:.3f} view hook)"
            cells.append(cell)
        if label.endswith(".Passthrough"):
            name_cell = "(for scale: a do-nothing middleware, i.e. the marks' own cost)"
        else:
            name_cell = f"`{short(label)}`" if "." in label else label
        mw.append(f"| {name_cell} | " + " | ".join(cells) + " |")
    totals = " | ".join(f"{splits[n][0]:.3f}" for n in columns)
    mw.append(f"| total with the marks | {totals} |")
    mw_table = "\n".join(mw)

    view_layer = splits["dashboard"][1][-1][1]
    dash["page template and the rest (view layer above minus these two)"] = view_layer - sum(
        dash.values()
    )
    dash_lines = [f"- {what}: {ms:.3f} ms" for what, ms in dash.items()]
    for name in ("floor", "dashboard"):
        dash_lines.append(f"- {cases[name][0]}: {len(queries[name])} queries")
        dash_lines += [f"  - `{sql}`" for sql in queries[name]]
    body = (
        f"Measured {time.strftime('%Y-%m-%d')} with `bench/inprocess.py --requests "
        f"{args.requests} --rounds {args.rounds}`: the production WSGI application called "
        f"in-process (no server, no sockets), production settings, PostgreSQL 15 on this "
        f"2-core machine; this thread's CPU only (PostgreSQL's work and the wait for it "
        f'excluded); signed-in cases {signed_in} requests a round. "Before issue 11": '
        f"the same stack with django-csp's own middleware, Django's own message storage "
        f"and the no-store rule reading `request.user` on every response, its rounds "
        f"alternating with the production stack's.\n\n{table}\n\n"
        f"The bare view with no middleware at all (`MIDDLEWARE = []`, same handler and "
        f"view): {no_middleware:.3f} ms, so the stack costs the bare view "
        f"{results['bare'][1] - no_middleware:.3f} ms.\n\n"
        f"Per layer (CPU ms per request, each middleware's own code before and after the "
        f"layers inside it; `view hook` = its process_view; the first column has "
        f"django-csp's `CSPMiddleware`, Django's message storage and the original "
        f"no-store rule in those rows):\n\n{mw_table}\n\n"
        f"The dashboard's view, piece by piece (each measured alone):\n\n"
        + "\n".join(dash_lines)
        + "\n"
    )
    print()
    print(body)
    if not args.no_write:
        write_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
