"""Small HTTP helpers shared by the views: htmx-aware login and rendering."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def login_required(view):
    """Like Django's, but an htmx request is sent to the login page with
    ``HX-Redirect`` instead of having a login form swapped into a fragment."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            # Back to the page the person was on (HX-Current-URL, same origin
            # only), never to the fragment it asked for (e.g. /parts/space/).
            back = request.htmx.current_url_abs_path or request.get_full_path()
            login = redirect_to_login(back)
            response = HttpResponse(status=401)
            response["HX-Redirect"] = login["Location"]
            return response
        return redirect_to_login(request.get_full_path())

    return wrapper


def render_part(request, template, context, *, partial, status=200):
    """Render the full page, or for an htmx request only the named partial.

    Partials are named after the ``id`` of their root element, so the very same
    partial can be swapped by htmx (``outerHTML``) or pushed over the socket.
    """
    name = f"{template}#{partial}" if request.htmx and not request.htmx.boosted else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
