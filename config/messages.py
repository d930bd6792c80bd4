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
