"""Log hygiene: secrets that travel in URLs never reach a log line."""

import logging
import re

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
