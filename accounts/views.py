from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import LANGUAGE_QUERY_PARAMETER
from django.views.i18n import set_language as django_set_language

from . import services
from .forms import ProfileForm
from .http import client_redirect, login_required, render_part
from .languages import language_codes, language_of, remember_in_cookie
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
            initial={
                "display_name": user.display_name,
                "time_zone": user.time_zone,
                "language": user.language,
            },
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
    zone_before, language_before = user.time_zone, user.language
    services.update_profile(
        user=user,
        display_name=form.cleaned_data["display_name"],
        time_zone=form.cleaned_data["time_zone"] or None,
        language=form.cleaned_data["language"] if form.language_sent else None,
    )
    if user.language != language_before:
        # The message, and the page after it, already in the new language.
        translation.activate(language_of(user) or translation.get_language_from_request(request))
    if user.time_zone != zone_before:
        messages.success(
            request,
            _("Saved. Times are now shown as in %(place)s.")
            % {"place": place_name(user.time_zone)},
        )
    elif user.language != language_before:
        messages.success(request, _("Saved. The pages now speak your language."))
    else:
        messages.success(request, _("Your display name was saved."))
    # For htmx: the name also shows in the header, and every time on the page
    # follows the zone (and the words the language): load the page afresh rather
    # than let htmx follow the redirect and swap a whole page into the form.
    response = client_redirect(reverse("profile")) if request.htmx else redirect("profile")
    if form.language_sent:
        remember_in_cookie(response, language_of(user))
    return response


@require_http_methods(["POST"])
def set_language(request):
    """The footer's language switch: Django's own view (the language cookie,
    back to ``next``); a signed-in person's account remembers it too."""
    response = django_set_language(request)
    code = request.POST.get(LANGUAGE_QUERY_PARAMETER, "")
    user = request.user
    if user.is_authenticated and code in language_codes() and user.language != code:
        services.update_profile(user=user, display_name=user.display_name, language=code)
    return response
