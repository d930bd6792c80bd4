"""Error reports through sentry-sdk, when ``SENTRY_DSN`` is set, with nothing private.

The SDK is told to collect no personal data (``send_default_pii`` stays off;
its ``data_collection`` form says it per category: no user, cookies, headers,
bodies, query strings, SQL parameters or frame variables);
``before_send`` then keeps only what locates a bug, whatever an integration
added:

- the request: its method and its URL without query string, secret paths
  (invite, confirmation and reset links) redacted; no headers, cookies, body,
  query string or environment;
- exceptions: their type and stack (file, function, line, code) without their
  message, which can carry what someone typed; no frame variables;
- log events: the message template, redacted, without its arguments or extra
  fields;
- breadcrumbs: category, level and redacted message, without their data (SQL
  parameters, for one);
- no user, and the request id as a tag, to find the matching log lines.
"""

from config.logging import redact
from config.logging_json import current_request_id

REMOVED = "[removed]"


def init_sentry(*, dsn, environment, **options):
    import sentry_sdk

    return sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        # The SDK's structured form of send_default_pii=False (which it
        # deprecates), stricter: nothing of the person, no cookies, headers,
        # bodies, query strings, SQL parameters or frame variables.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        traces_sample_rate=0,
        **options,
    )


def _url_without_query(url):
    return redact(str(url).split("?", 1)[0].split("#", 1)[0])


def _scrub_frames(container):
    stacktrace = (container or {}).get("stacktrace") or {}
    for frame in stacktrace.get("frames") or []:
        frame.pop("vars", None)


def before_send(event, hint=None):
    request = event.get("request")
    if isinstance(request, dict):
        kept = {"method": request.get("method")}
        if request.get("url"):
            kept["url"] = _url_without_query(request["url"])
        event["request"] = {key: value for key, value in kept.items() if value}
    event.pop("user", None)
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = REMOVED
        _scrub_frames(exception)
    for thread in (event.get("threads") or {}).get("values") or []:
        _scrub_frames(thread)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The template without its arguments ("Failed for %s").
        if logentry.pop("params", None) and logentry.get("message"):
            logentry["formatted"] = logentry["message"]
        for key in ("message", "formatted"):
            if logentry.get(key):
                logentry[key] = redact(str(logentry[key]))
    if isinstance(event.get("message"), str):
        event["message"] = redact(event["message"])
    crumbs = event.get("breadcrumbs")
    values = crumbs.get("values") if isinstance(crumbs, dict) else crumbs
    if isinstance(values, list):
        cleaned = [before_breadcrumb(dict(crumb)) for crumb in values]
        cleaned = [crumb for crumb in cleaned if crumb]
        if isinstance(crumbs, dict):
            crumbs["values"] = cleaned
        else:
            event["breadcrumbs"] = cleaned
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def before_breadcrumb(crumb, hint=None):
    kept = {key: crumb[key] for key in ("type", "category", "level", "timestamp") if key in crumb}
    if crumb.get("message"):
        kept["message"] = redact(str(crumb["message"]))
    return kept
