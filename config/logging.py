"""Log hygiene: secrets that travel in URLs never reach a log line."""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

# Invite links carry their code in the path (/join/<code>/).
_INVITE_PATH = re.compile(r"(/join/)[^/\s\"?]+", re.IGNORECASE)


def redact(text):
    return _INVITE_PATH.sub(r"\1[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the technical 500 page, error emails) honour
    ``sensitive_variables``/``sensitive_post_parameters`` even with DEBUG on:
    a developer's page must not show anyone's private reflection either."""

    def is_active(self, request):
        return True
