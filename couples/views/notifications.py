"""Discreet notifications: a person's choices and devices, and what makes the
app installable (the manifest, the service worker, the offline page)."""

import hashlib
import json

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import push
from ..domain.errors import DomainError
from ..forms.notifications import NotificationChoiceForm
from ..http import login_required
from ..models import PushDevice
from ..services import notifications as service

PAGE = "couples/notifications.html"


def _page(request, form, status=200):
    context = {
        "form": form,
        "devices": PushDevice.objects.filter(person=request.user),
        "application_server_key": push.public_key(),
    }
    return render(request, PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def notifications(request) -> HttpResponse:
    if request.method == "GET":
        initial = NotificationChoiceForm.initial_for(service.choice_for(request.user))
        return _page(request, NotificationChoiceForm(initial=initial))
    form = NotificationChoiceForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        service.save_choice(
            user=request.user,
            kinds=form.cleaned_data["kinds"],
            detail=form.cleaned_data["detail"],
            quiet_start=form.cleaned_data["quiet_start"],
            quiet_end=form.cleaned_data["quiet_end"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _page(request, form, status=error.status)
    messages.success(request, _("Saved."))
    return redirect(reverse("notifications"))


def _json_body(request) -> dict:
    if request.content_type != "application/json":
        return {}  # (a form post's body has been read as a form already)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@require_POST
@login_required
def device_add(request) -> JsonResponse:
    """This browser's push subscription (sent by static/js/push.js)."""
    data = _json_body(request)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    values = [data.get("endpoint"), keys.get("p256dh"), keys.get("auth")]
    if not all(isinstance(value, str) for value in values):
        return JsonResponse({"error": _("This browser did not send a subscription.")}, status=400)
    try:
        device = service.add_device(
            request=request, endpoint=values[0], p256dh=values[1], auth=values[2]
        )
    except DomainError as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse({"device": device.pk, "label": device.label}, status=201)


@require_POST
@login_required
def device_forget(request) -> HttpResponse:
    """This browser turned notifications off itself (its subscription is gone)."""
    endpoint = _json_body(request).get("endpoint")
    if isinstance(endpoint, str):
        service.remove_device_by_endpoint(user=request.user, endpoint=endpoint)
    return HttpResponse(status=204)


@require_POST
@login_required
def device_remove(request, device_id: int) -> HttpResponse:
    service.remove_device(user=request.user, device_id=device_id)
    messages.success(request, _("That device will not be notified any more."))
    return redirect(reverse("notifications"))


# --- installable ------------------------------------------------------------------

# What the service worker keeps for offline use: static files and the static
# offline page, never a page, fragment or answer with anyone's data in it.
PRECACHE = (
    "vendor/pico-2.1.1.min.css",
    "css/app.css",
    "img/favicon.svg",
    "img/icon-192.png",
    "img/icon-512.png",
)


@require_GET
@never_cache
def service_worker(request) -> HttpResponse:
    """At the site's root so its scope is the whole app (static/ would limit it)."""
    static_urls = [static(path) for path in PRECACHE]
    offline = reverse("offline")
    version = hashlib.sha256(json.dumps([static_urls, offline]).encode()).hexdigest()[:12]
    body = render_to_string(
        "sw.js",
        {
            "version": version,
            "precache": json.dumps([*static_urls, offline]),
            "static_prefix": json.dumps(static("")),
            "offline": json.dumps(offline),
            "icon": json.dumps(static("img/icon-192.png")),
        },
    )
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request) -> JsonResponse:
    data = {
        "name": "Common Ground",
        "short_name": "Common Ground",
        "description": _("A shared space for the two of you."),
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#3b5b7a",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data)
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def offline(request) -> HttpResponse:
    """The page a phone shows with no connection: the same for everyone."""
    return render(request, "offline.html")
