"""Log hygiene: secrets that travel in URLs never reach a log line."""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

# Secrets that travel in paths: invite links (/join/<code>/), therapist links
# (/t/<token>/), allauth's address
# confirmation links and password-reset links (their keys sign a person in).
_SECRET_PATHS = re.compile(
    r"(/join/|/t/|/accounts/confirm-email/|/accounts/password/reset/key/)[^/\s\"?]+",
    re.IGNORECASE,
)


def redact(text):
    return _SECRET_PATHS.sub(r"\1[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the technical 500 page, error emails) for a signed-in
    request show no frame variables and no POST values at all, even with DEBUG
    on: every signed-in page here holds someone's intimate data (a private
    reflection decrypted in a frame, a typed journal entry in the POST).

    ``sensitive_variables`` alone is not enough: Django finds it by walking
    ``f_back`` from each frame, and generator frames (queryset iteration, where
    values are decrypted) have lost their ``f_back`` by the time the report is
    built, so their locals would be shown.
    """

    def is_active(self, request):
        return True

    @staticmethod
    def _signed_in(request):
        user = getattr(request, "user", None)
        return bool(user is not None and getattr(user, "is_authenticated", False))

    def get_post_parameters(self, request):
        if request is not None and self._signed_in(request):
            return {name: self.cleansed_substitute for name in request.POST}
        return super().get_post_parameters(request)

    def get_traceback_frame_variables(self, request, tb_frame):
        if request is not None and self._signed_in(request):
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)
