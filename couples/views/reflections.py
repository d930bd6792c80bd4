"""The private journal: pages only its author can open.

Every view: login, then re-authentication after idleness (accounts.reauth),
then the owner-only access helper (404 for anyone else, partner included).
``sensitive_variables``/``sensitive_post_parameters`` keep the text out of
Django's error reports, and nothing here logs.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from accounts.reauth import reauth_required

from ..access import card_i_received, get_own_reflection, own_reflections
from ..domain.errors import DomainError
from ..forms.reflections import ReflectionForm
from ..http import login_required, render_part
from ..services import reflections as services

JOURNAL = "couples/reflections.html"
DETAIL = "couples/reflection_detail.html"
EDIT = "couples/reflection_edit.html"
DELETE = "couples/reflection_delete.html"


def _journal_context(request, form=None, **extra):
    return {
        "reflections": list(own_reflections(request.user)),
        "form": form or ReflectionForm(),
        **extra,
    }


@sensitive_variables()
@require_GET
@login_required
@reauth_required
def journal(request):
    form = None
    card = (
        card_i_received(request.user, request.GET.get("from_ask"))
        if "from_ask" in request.GET
        else None
    )
    if card is not None:
        # After a "not now": the moment's context, for my eyes only. The guided
        # prompts (the need, the old story, what I heard) are mine to fill.
        said = " ".join(part for part in (card.reason, card.not_meaning, card.love) if part)
        form = ReflectionForm(initial={"what_was_said": said})
    return render_part(request, JOURNAL, _journal_context(request, form), partial="journal")


@sensitive_variables()
@sensitive_post_parameters()
@require_POST
@login_required
@reauth_required
def reflection_create(request):
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            services.write_reflection(author=request.user, **form.service_values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved in your journal."))
            if not request.htmx:
                return redirect("reflections")
            context = _journal_context(request)
            return render_part(request, JOURNAL, context, partial="journal")
    context = _journal_context(request, form=form)
    return render_part(request, JOURNAL, context, partial="journal", status=422)


@sensitive_variables()
@require_GET
@login_required
@reauth_required
def reflection_detail(request, reflection_id):
    reflection = get_own_reflection(request.user, reflection_id)
    return render_part(request, DETAIL, {"reflection": reflection}, partial="reflection")


@sensitive_variables()
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@login_required
@reauth_required
def reflection_edit(request, reflection_id):
    reflection = get_own_reflection(request.user, reflection_id)
    if request.method == "GET":
        form = ReflectionForm(instance=reflection, initial={"version": reflection.version})
        return render_part(
            request, EDIT, {"reflection": reflection, "form": form}, partial="reflection-edit"
        )
    form = ReflectionForm(request.POST, instance=get_own_reflection(request.user, reflection_id))
    status, conflict = 422, False
    if form.is_valid():
        try:
            services.update_reflection(
                author=request.user,
                reflection_id=reflection.pk,
                version=form.cleaned_data.get("version"),
                **form.service_values(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status, conflict = error.status, error.status == 409
        else:
            messages.success(request, _("Saved"))
            if request.htmx:
                response = render_part(
                    request,
                    DETAIL,
                    {"reflection": get_own_reflection(request.user, reflection.pk)},
                    partial="reflection",
                )
                return push_url(response, reverse("reflection_detail", args=[reflection.pk]))
            return redirect("reflection_detail", reflection_id=reflection.pk)
    context = {"reflection": reflection, "form": form, "conflict": conflict}
    if conflict:
        # Both texts: the saved one (read afresh) beside the one just typed,
        # and the form now carries the current version so a re-save goes through.
        saved = get_own_reflection(request.user, reflection.pk)
        context["saved"] = saved
        data = request.POST.copy()
        data["version"] = saved.version
        # A separate instance: validating a ModelForm writes into its instance.
        form = ReflectionForm(data, instance=get_own_reflection(request.user, reflection.pk))
        form.is_valid()
        form.add_error(None, _("This reflection was changed on another device meanwhile."))
        context["form"] = form
    return render_part(request, EDIT, context, partial="reflection-edit", status=status)


@sensitive_variables()
@require_http_methods(["GET", "POST"])
@login_required
@reauth_required
def reflection_delete(request, reflection_id):
    reflection = get_own_reflection(request.user, reflection_id)
    if request.method == "GET":
        return render_part(request, DELETE, {"reflection": reflection}, partial="reflection-delete")
    services.delete_reflection(author=request.user, reflection_id=reflection.pk)
    messages.success(request, _("Deleted"))
    if request.htmx:
        response = render_part(request, JOURNAL, _journal_context(request), partial="journal")
        return push_url(response, reverse("reflections"))
    return redirect("reflections")


@sensitive_variables()
@require_POST
@login_required
@reauth_required
def reflection_therapy(request, reflection_id):
    reflection = get_own_reflection(request.user, reflection_id)
    bring = request.POST.get("bring") == "1"
    reflection = services.set_bring_to_therapy(
        author=request.user, reflection_id=reflection.pk, bring=bring
    )
    from_journal = request.POST.get("back") == "journal"
    if from_journal:
        if request.htmx:
            return render_part(request, JOURNAL, _journal_context(request), partial="journal")
        return redirect("reflections")
    if request.htmx:
        return render_part(request, DETAIL, {"reflection": reflection}, partial="reflection")
    return redirect("reflection_detail", reflection_id=reflection.pk)
