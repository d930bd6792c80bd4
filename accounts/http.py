"""Small HTTP helpers every app's views share: htmx-aware login and rendering.

They know nothing of couples; ``couples.http`` builds on them.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """What a request looks like to our views (django-htmx's middleware sets it)."""

    htmx: HtmxDetails


def client_redirect(url: str, *, status: int = 204) -> HttpResponse:
    """Send an htmx request's page elsewhere (``HX-Redirect``), with no body."""
    return HttpResponseClientRedirect(url, status=status)


def login_required(view):
    """Like Django's, but an htmx request is sent to the login page with
    ``HX-Redirect`` (status 401) instead of having a login form swapped into a
    fragment."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            # Back to the page the person was on (HX-Current-URL, same origin
            # only), never to the fragment it asked for (e.g. /parts/space/).
            back = request.htmx.current_url_abs_path or request.get_full_path()
            return client_redirect(redirect_to_login(back)["Location"], status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper


def render_part(
    request: HtmxHttpRequest, template: str, context: dict, *, partial: str, status: int = 200
) -> HttpResponse:
    """Render the full page, or for an htmx request only the named partial.

    Partials are named after the ``id`` of their root element, so the very same
    partial can be swapped by htmx (``outerHTML``) or pushed over the socket.
    """
    name = f"{template}#{partial}" if request.htmx and not request.htmx.boosted else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
