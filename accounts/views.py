from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import services
from .forms import ProfileForm
from .http import client_redirect, login_required, render_part
from .timezones import place_name


def _profile_context(request, form) -> dict:
    zone = request.user.time_zone
    return {
        "form": form,
        "zone_place": place_name(zone),
        "zone_now": timezone.localtime(),  # the middleware made the person's zone current
    }


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    user = request.user
    if request.method == "GET":
        form = ProfileForm(
            initial={"display_name": user.display_name, "time_zone": user.time_zone},
            current_time_zone=user.time_zone,
        )
        return render(request, "account/profile.html", _profile_context(request, form))
    form = ProfileForm(request.POST, current_time_zone=user.time_zone)
    if not form.is_valid():
        return render_part(
            request,
            "account/profile.html",
            _profile_context(request, form),
            partial="profile-form",
            status=422,
        )
    zone_before = user.time_zone
    services.update_profile(
        user=user,
        display_name=form.cleaned_data["display_name"],
        time_zone=form.cleaned_data["time_zone"] or None,
    )
    if user.time_zone != zone_before:
        messages.success(request, f"Saved. Times are now shown as in {place_name(user.time_zone)}.")
    else:
        messages.success(request, "Your display name was saved.")
    if request.htmx:
        # The name also shows in the header, and every time on the page follows
        # the zone: load the page afresh rather than let htmx follow the redirect
        # and swap a whole page into the form.
        return client_redirect(reverse("profile"))
    return redirect("profile")
