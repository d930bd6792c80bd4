"""HTTP for the couples app: the couple resolved once per request, and domain
errors mapped to responses in one place.

``space_required`` (under ``login_required``) puts the person's current space
on ``request.space`` — their couple and partner, read in one query — or
answers 404 when they are not linked; views pass it on to access helpers and
services, so a write looks its couple up once, not three times.
"""

import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from accounts.http import HtmxHttpRequest, client_redirect, login_required, render_part

from .access import Space, get_space_for_member
from .domain.errors import DomainError

__all__ = [
    "DomainErrorMiddleware",
    "HtmxHttpRequest",
    "SpaceRequest",
    "client_redirect",
    "login_required",
    "render_part",
    "space_required",
    "within_a_minute",
]


def within_a_minute(name: str, limit: int) -> bool:
    """Counts one more under ``name`` this minute; ``False`` once past ``limit``.

    Counted in the default cache (Redis with REDIS_URL, so once for every server
    process; config/cache.py for Redis being down): the brief's PDFs per person,
    a therapist link's requests per address."""
    key = f"{name}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        count = 1
    return count <= limit


class SpaceRequest(HtmxHttpRequest):
    space: Space


def space_required(view):
    """The person's current space on ``request.space``; 404 when not linked.
    Put it under ``login_required``."""

    @wraps(view)
    def wrapper(request: SpaceRequest, *args, **kwargs):
        request.space = get_space_for_member(request.user)
        return view(request, *args, **kwargs)

    return wrapper


ERROR_TEMPLATE = "couples/error.html"


class DomainErrorMiddleware:
    """A domain error no view caught becomes its status with its message: a
    small fragment for htmx (swapped where the request was aimed), the error
    page otherwise. (``NotFound`` is Django's own 404, answered by Django.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        template = f"{ERROR_TEMPLATE}#domain-error" if request.htmx else ERROR_TEMPLATE
        response = render(
            request, template, {"message": exception.message}, status=exception.status
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
