"""One JSON object per line and per event, each with the request's id.

``RequestIdFilter`` puts the id of the request being served (set by
``config.middleware.RequestIdMiddleware``; ``null`` outside a request, as in the
worker) on every record; ``JsonFormatter`` writes a fixed set of fields:

    {"time": "2026-12-03T11:00:00.123Z", "level": "INFO", "logger": "...",
     "message": "...", "request_id": "...", "http": {...}, "exception": {...}}

Only those fields: never a record's other attributes (``django.request``
attaches the whole request), never a request body. An exception is its type
and its stack (file, line, function), without its message: messages can carry
what someone typed (``invalid literal for int(): '<their words>'``, a
PostgreSQL DETAIL line with the values of a row). The message of the record
itself has passed the redaction filter (``config.logging``) on its way here.
"""

import contextvars
import json
import logging
import traceback
from datetime import UTC, datetime

request_id_var = contextvars.ContextVar("request_id", default=None)


def current_request_id():
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


def exception_fields(exc_info):
    exc_type, _value, tb = exc_info
    frames = [
        {"file": frame.filename, "line": frame.lineno, "function": frame.name}
        for frame in traceback.extract_tb(tb)
    ]
    return {"type": f"{exc_type.__module__}.{exc_type.__qualname__}", "frames": frames}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            entry["http"] = {
                key: http[key] for key in ("method", "path", "status", "duration_ms") if key in http
            }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = exception_fields(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The development console's lines, with the request id, and exceptions
    reduced like the JSON ones (type and stack, no message)."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record):
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get() or "-"
        exc_info, record.exc_info, exc_text, record.exc_text = (
            record.exc_info,
            None,
            record.exc_text,
            None,
        )
        try:
            line = super().format(record)
        finally:
            record.exc_info, record.exc_text = exc_info, exc_text
        if exc_info and exc_info[0] is not None:
            fields = exception_fields(exc_info)
            stack = "".join(
                f'\n  File "{f["file"]}", line {f["line"]}, in {f["function"]}'
                for f in fields["frames"]
            )
            line += f"\nTraceback (message not logged):{stack}\n{fields['type']}"
        return line
