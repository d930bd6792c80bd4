"""Django's message storage, made when a request first uses it."""

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.fallback import FallbackStorage as DjangoFallbackStorage
from django.utils.functional import cached_property


class FallbackStorage(DjangoFallbackStorage):
    """Django's default storage (the signed cookie, then the session) whose two
    backends are built on first use instead of on every request.

    Building them costs ~7 µs (the cookie backend derives its signer from
    SECRET_KEY each time) on every response, including those that never show or
    add a message (htmx parts, redirects, the bare view). Which backends, in which
    order, and what they store are Django's, unchanged.
    """

    def __init__(self, request, *args, **kwargs):
        BaseStorage.__init__(self, request, *args, **kwargs)
        self._backend_args = ((request, *args), kwargs)
        self._used_storages = set()

    @cached_property
    def storages(self):
        args, kwargs = self._backend_args
        return [storage_class(*args, **kwargs) for storage_class in self.storage_classes]


class HtmxMessagesMiddleware:
    """Messages reach the page the same way with or without JavaScript.

    Views say what happened with ``django.contrib.messages`` after an action.
    A plain POST redirects and the next page shows them in ``base.html``'s
    region (``#messages``). An htmx answer stays on the page, so the messages
    added while answering it go with it: rendered into the same region,
    swapped out of band (``innerHTML``, so the live region itself stays and
    screen readers announce the new words), and consumed like any shown
    message. Nothing else carries them: live frames are rendered in the writer
    with no request, so a message never reaches the partner.

    Left for the next page: answers that send the page elsewhere
    (``HX-Redirect``, ``HX-Location``, ``HX-Refresh``, a 3xx), answers htmx does
    not swap (204, 5xx), and anything that is not HTML. Sits below
    ``MessageMiddleware`` and ``HtmxMiddleware`` (it runs first on the way out,
    before unshown messages are stored).
    """

    TEMPLATE = "includes/_messages.html"
    LEAVE_FOR_NEXT_PAGE = ("HX-Redirect", "HX-Location", "HX-Refresh")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        storage = getattr(request, "_messages", None)
        # Only messages added while answering this request (reading the
        # storage would build its backends on every htmx part).
        if not storage or not getattr(storage, "_queued_messages", None):
            return response
        htmx = getattr(request, "htmx", None)
        if not htmx or htmx.boosted or not self._swapped(response):
            return response
        from django.template.loader import render_to_string

        html = render_to_string(self.TEMPLATE, {"messages": list(storage), "oob": True})
        response.content += html.encode()
        return response

    def _swapped(self, response) -> bool:
        status = response.status_code
        if response.streaming or status == 204 or 300 <= status < 400 or status >= 500:
            return False
        if any(header in response for header in self.LEAVE_FOR_NEXT_PAGE):
            return False
        return response.get("Content-Type", "").startswith("text/html")
