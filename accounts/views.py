from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import services
from .forms import ProfileForm
from .http import client_redirect, login_required, render_part


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    if request.method == "GET":
        form = ProfileForm(initial={"display_name": request.user.display_name})
        return render(request, "account/profile.html", {"form": form})
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return render_part(
            request, "account/profile.html", {"form": form}, partial="profile-form", status=422
        )
    services.update_display_name(user=request.user, display_name=form.cleaned_data["display_name"])
    messages.success(request, "Your display name was saved.")
    if request.htmx:
        # The name also shows in the header: load the page afresh rather than let
        # htmx follow the redirect and swap a whole page into the form.
        return client_redirect(reverse("profile"))
    return redirect("profile")
