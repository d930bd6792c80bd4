"""Shared helpers for the private-reflections tests."""

import time

from accounts.reauth import SESSION_KEY


def lapse_reauth(client, minutes=16):
    """Make the client's last confirmation ``minutes`` old."""
    session = client.session
    session[SESSION_KEY] = time.time() - minutes * 60
    session.save()


def forget_reauth(client):
    session = client.session
    session.pop(SESSION_KEY, None)
    session.save()
