"""The sessions page: where a person is logged in, and ending those sessions.

allauth's ``usersessions`` list (accounts/sessions/) in our layout and words.
allauth 65.21's form ends "every other session" and takes no session ids; this
form also ends one session by its id. The id must be one of the person's own
sessions: any other value (someone else's session, a forged number) is a clear
error and nothing ends. Ending a session deletes its ``UserSession`` row, and
that deletion closes its sockets (realtime/signals.py), as a logout does.
"""

import ipaddress

from allauth.usersessions.internal.flows.sessions import end_other_sessions, end_sessions
from allauth.usersessions.models import UserSession
from allauth.usersessions.views import ListUserSessionsView
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic.edit import FormView

from .devices import device_name
from .sessions import last_seen
from .throttling import client_ip


def coarse_place(address, here):
    """Where a session came from, as coarsely as we can say it honestly.

    Without a location database an address names no town; what it can say is
    whether it is the network this device uses now, or another one (and only
    the first half of the address: enough to tell "home" from "elsewhere", never
    a full address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _("An unknown network")
    if ip.is_unspecified:
        return _("An unknown network")
    if here and address == here:
        return _("The network this device uses now")
    if ip.version == 4:
        first, second = str(ip).split(".")[:2]
        start = f"{first}.{second}.…"
    else:
        groups = ip.exploded.split(":")[:2]
        start = f"{groups[0].lstrip('0') or '0'}:{groups[1].lstrip('0') or '0'}:…"
    # Translators: the start of an IP address, e.g. "203.0.…".
    return _("Another network (starts %(start)s)") % {"start": start}


class EndSessionsForm(forms.Form):
    """``end=others``: every session but this one. ``session=<id>``: that one."""

    end = forms.ChoiceField(
        choices=[("others", "others")], required=False, widget=forms.HiddenInput
    )
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_session(self):
        pk = self.cleaned_data.get("session")
        if pk is None:
            return None
        session = UserSession.objects.filter(pk=pk, user_id=self.request.user.pk).first()
        if session is None:
            # Someone else's session, or a made-up number: as if it did not exist.
            raise Http404
        return session

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("end") and not cleaned.get("session") and not self.errors:
            raise forms.ValidationError(
                _("Choose a session to log out, or log out everywhere else.")
            )
        return cleaned

    def save(self, request):
        session = self.cleaned_data.get("session")
        if session is None:
            end_other_sessions(request, request.user)
            return "others"
        current = session.is_current()
        end_sessions(request, [session])  # the current one: a logout
        return "current" if current else "one"


class SessionListView(ListUserSessionsView):
    form_class = EndSessionsForm

    def get_context_data(self, **kwargs):
        # Not allauth's listing: it deletes the rows of sessions that have
        # expired, and a GET changes nothing here. Those rows simply are not shown
        # (expired sessions' rows go with the session cleanup).
        context = FormView.get_context_data(self, **kwargs)
        user = self.request.user
        context["sessions"] = [
            session
            for session in UserSession.objects.filter(user_id=user.pk)
            if session.is_current() or session.exists()
        ]
        here = client_ip(self.request)
        now = timezone.now()
        seen = last_seen([session.session_key for session in context["sessions"]])
        rows = []
        for session in context["sessions"]:
            rows.append(
                {
                    "pk": session.pk,
                    "device": device_name(session.user_agent),
                    "place": coarse_place(session.ip, here),
                    "started": session.created_at,
                    "last_seen": min(seen.get(session.session_key, session.last_seen_at), now),
                    "current": session.is_current(),
                }
            )
        rows.sort(key=lambda row: row["last_seen"], reverse=True)
        rows.sort(key=lambda row: not row["current"])  # this device first
        context["rows"] = rows
        context["others"] = len(rows) - 1
        return context

    def form_valid(self, form):
        ended = form.save(self.request)
        if ended == "current":  # allauth's logout said so already
            return redirect("account_login")
        text = (
            _("You are logged out everywhere else.")
            if ended == "others"
            else _("That session is logged out.")
        )
        messages.success(self.request, text)
        return redirect("usersessions_list")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return response


sessions = SessionListView.as_view()
