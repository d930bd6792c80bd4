"""The moment: ask, answer, the decline card, replies and rain checks.

Every form works without JavaScript (a plain POST, then back to the dashboard
with a calm message) and with htmx (the ``moment`` part swapped in place, the
same message beside it: config/messages.py).
A problem (an ask already answered on another device, a rain check already
redeemed) is said in the part, with what was typed kept.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from ..access import get_ask_for_member, get_own_rain_check, my_current_statements
from ..domain.errors import Conflict, DomainError
from ..domain.moment import COME_TO_YOU_LABEL
from ..forms.moment import AskForm, CardForm, MoveForm, TalkForm
from ..http import SpaceRequest, client_redirect, login_required, render_part, space_required
from ..models import RainCheck
from ..parts import DASHBOARD, dashboard_context
from ..parts import moment as part
from ..services import moment as service

SECTION = part.TEMPLATE
CARD_PAGE = "couples/moment_decline.html"
MOVE_PAGE = "couples/moment_move.html"


def _slots(request: SpaceRequest) -> tuple[list, dict]:
    rows = part.load(request.space)
    return part.my_slot_choices(request.space, rows), rows


def _moment_response(request: SpaceRequest, *, note="", status=200, **extra) -> HttpResponse:
    """The updated part for htmx; for a plain POST, back to the dashboard (or,
    on a problem, the dashboard with the part showing it)."""
    if note and status < 400:
        # Said to me only, in the page-wide region: the live frame of this very
        # change replaces the part a moment later and must not wipe it.
        messages.success(request, note)
    if not request.htmx and status < 400:
        return redirect(reverse("dashboard") + "#moment")
    space = request.space
    context = (
        dashboard_context(request, space, fresh=["moment"])
        if not request.htmx
        else {"space": space}
    )
    context.update(part.PART.context(space, **extra))
    return render_part(
        request,
        DASHBOARD if not request.htmx else SECTION,
        context,
        partial="moment",
        status=status,
    )


def _problem(request: SpaceRequest, error: DomainError, **extra) -> HttpResponse:
    return _moment_response(request, status=error.status, error=error.message, **extra)


def _act(request: SpaceRequest, action, *, note: str = "") -> HttpResponse:
    """Run one service call; the part as it now is, or the problem said in it.
    (The service looks the ask or rain check up itself: 404 for anyone else's.)"""
    try:
        action()
    except DomainError as error:
        return _problem(request, error)
    return _moment_response(request, note=note)


@require_POST
@login_required
@space_required
def ask_create(request: SpaceRequest) -> HttpResponse:
    slots, rows = _slots(request)
    form = AskForm(request.POST, agreed=rows["agreed"], slots=slots)
    if not form.is_valid():
        return _moment_response(request, status=422, ask_form=form)
    try:
        service.ask(space=request.space, **form.service_values())
    except DomainError as error:
        form.add_error(None, error.message)
        return _moment_response(request, status=error.status, ask_form=form)
    return _moment_response(
        request, note=_("Sent, gently. You can take it back at any time; no answer is needed.")
    )


@require_POST
@login_required
@space_required
def ask_withdraw(request: SpaceRequest, ask_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: service.withdraw(space=request.space, ask_id=ask_id),
        note=_("Taken back. Nothing more is said about it."),
    )


@require_POST
@login_required
@space_required
def ask_answer(request: SpaceRequest, ask_id: int) -> HttpResponse:
    """Yes, yes to something else, or let's talk about it. (Not now is the card.)"""
    get_ask_for_member(request.space, ask_id)
    choice = request.POST.get("answer", "")
    try:
        if choice == "yes":
            service.answer_yes(space=request.space, ask_id=ask_id)
            note = _("You said yes.")
        elif choice == "something_else":
            service.answer_something_else(
                space=request.space, ask_id=ask_id, activity_id=request.POST.get("activity") or None
            )
            note = _("You offered something else.")
        elif choice == "talk":
            form = TalkForm(request.POST)
            text = form.data.get("text", "")
            service.answer_talk(space=request.space, ask_id=ask_id, text=text)
            note = _("It is on your list to talk about.")
        elif choice == "not_now":
            url = reverse("moment_decline", args=[ask_id])  # the card is a page of its own
            return client_redirect(url) if request.htmx else redirect(url)
        else:
            return _moment_response(
                request, status=422, error=_("Please choose one of the answers.")
            )
    except DomainError as error:
        return _problem(request, error)
    return _moment_response(request, note=note)


def _card_context(request: SpaceRequest, item, form, preview=None) -> dict:
    rain_check = ""
    if preview is not None and preview.rain_check:
        slot = preview.slot
        rain_check = slot.label(timezone.localdate()) if slot else str(COME_TO_YOU_LABEL)
        if slot:  # as the asker will read it: on my clock, said so when theirs differs
            space = request.space
            rain_check += part.their_time(space.seen_by(space.partner), space.me.pk)
    return {
        "space": request.space,
        "ask": part.ask_view(item, request.space),
        "form": form,
        "preview": preview,
        "preview_rain_check": rain_check,
        "statements": my_current_statements(request.space),
    }


@require_http_methods(["GET", "POST"])
@login_required
@space_required
def decline(request: SpaceRequest, ask_id: int) -> HttpResponse:
    """Not now: the card, prefilled from what I wrote in a calm moment, every
    piece editable; "Preview" shows exactly what my partner will see."""
    space = request.space
    item = get_ask_for_member(space, ask_id)
    if item.asker_id == space.me.pk:
        return redirect(reverse("dashboard") + "#moment")
    problem = service.answer_problem(space, item, timezone.now())
    if problem is not None:
        raise problem  # taken back, answered or ended: its words are not shown again
    statements = my_current_statements(space)
    slots, rows = _slots(request)
    choices = {"statements": statements, "agreed": rows["agreed"], "slots": slots}
    if request.method == "GET":
        picked = request.GET.get("statement")
        chosen = next((s for s in statements if str(s.pk) == picked), None)
        if picked is None and statements:
            chosen = statements[0]
        form = CardForm(initial=service.card_draft(space, chosen), **choices)
        return render(request, CARD_PAGE, _card_context(request, item, form))
    form = CardForm(request.POST, **choices)
    if request.POST.get("action") == "use":
        # Refill the reason, what it does not mean and the reassurance from the
        # statement picked; keep every other piece as typed.
        picked = request.POST.get("statement", "")
        chosen = next((s for s in statements if str(s.pk) == picked), None)
        data = {name: request.POST.get(name, "") for name in form.fields}
        data.update(service.card_draft(space, chosen) if chosen else {"statement": ""})
        data["acknowledgement"] = request.POST.get("acknowledgement", "")
        data["rain_check"] = request.POST.get("rain_check", "")
        form = CardForm(initial=data, **choices)
        return render(request, CARD_PAGE, _card_context(request, item, form))
    if not form.is_valid():
        return render(request, CARD_PAGE, _card_context(request, item, form), status=422)
    try:
        card = service.clean_card(space, **form.service_values())
        if request.POST.get("action") != "send":
            return render(request, CARD_PAGE, _card_context(request, item, form, preview=card))
        service.decline(space=space, ask_id=item.pk, card=card)
    except DomainError as error:
        form.add_error(None, error.message)
        return render(request, CARD_PAGE, _card_context(request, item, form), status=error.status)
    messages.success(request, _("Your card is on its way, in your words."))
    return redirect(reverse("dashboard") + "#moment")


@require_POST
@login_required
@space_required
def ask_reply(request: SpaceRequest, ask_id: int) -> HttpResponse:
    """The asker: thank you, take the alternative, or just close it."""
    choice = request.POST.get("reply", "")
    return _act(
        request,
        lambda: service.reply(space=request.space, ask_id=ask_id, reply=choice),
        note=pgettext("a reply was sent", "Sent") if choice else "",
    )


@require_POST
@login_required
@space_required
def reply_put_away(request: SpaceRequest, ask_id: int) -> HttpResponse:
    return _act(request, lambda: service.put_away_reply(space=request.space, ask_id=ask_id))


@require_POST
@login_required
@space_required
def rain_check_redeem(request: SpaceRequest, rain_check_id: int) -> HttpResponse:
    # First, so that anyone else's rain check is a 404 before any refusal of the ask.
    get_own_rain_check(request.space, rain_check_id)
    return _act(
        request,
        lambda: service.redeem(
            space=request.space,
            rain_check_id=rain_check_id,
            kind=request.POST.get("kind") or "closeness",
            words=request.POST.get("words", ""),
        ),
        note=_("Redeemed: your partner has a gentle ask from you."),
    )


@require_http_methods(["GET", "POST"])
@login_required
@space_required
def rain_check_move(request: SpaceRequest, rain_check_id: int) -> HttpResponse:
    item = get_own_rain_check(request.space, rain_check_id)
    if item.state != RainCheck.OPEN:
        raise Conflict(service.RAIN_CHECK_GONE)
    slots, _rows = _slots(request)
    label = part.rain_check_label(item, timezone.localdate())
    if request.method == "GET":
        form = MoveForm(slots=slots, initial={"version": item.version})
        return render(request, MOVE_PAGE, {"form": form, "rain_check": item, "label": label})
    form = MoveForm(request.POST, slots=slots)
    if form.is_valid():
        try:
            service.move_rain_check(
                space=request.space,
                rain_check_id=item.pk,
                rain_check=form.cleaned_data["rain_check"],
                version=form.cleaned_data["version"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("Moved. Your partner sees the new time."))
            return redirect(reverse("dashboard") + "#moment")
    else:
        status = 422
    context = {"form": form, "rain_check": item, "label": label}
    return render(request, MOVE_PAGE, context, status=status)


@require_POST
@login_required
@space_required
def rain_check_let_go(request: SpaceRequest, rain_check_id: int) -> HttpResponse:
    return _act(
        request,
        lambda: service.let_go(space=request.space, rain_check_id=rain_check_id),
        note=_("Let go. It is off both your screens."),
    )
