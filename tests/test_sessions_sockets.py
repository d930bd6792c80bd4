"""Ending a session from the sessions page closes that session's sockets within
a second (the same event a logout sends); the current one stays live."""

import asyncio

import pytest
from allauth.usersessions.models import UserSession
from asgiref.sync import sync_to_async
from django.db import transaction
from django.urls import reverse

from realtime import broadcast
from tests.realtime_support import close_quietly, drain, frames_until, open_socket

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def login(make_client, user):
    client = await sync_to_async(make_client)(user)
    assert (await sync_to_async(client.get)("/")).status_code == 200
    return client


@sync_to_async
def change_shared_part(couple):
    with transaction.atomic():
        broadcast.part_changed(couple=couple, parts=["statements"])


async def closed_within(socket, seconds):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        output = await socket.receive_output(timeout=max(deadline - loop.time(), 0.01))
        if output["type"] == "websocket.close":
            return output["code"]


async def test_ending_one_session_closes_its_socket_and_the_current_stays(
    make_client, alice, couple
):
    here, phone = await login(make_client, alice), await login(make_client, alice)
    here_socket, phone_socket = await open_socket(here), await open_socket(phone)
    await drain(phone_socket, 0.1)
    phones = await sync_to_async(UserSession.objects.get)(session_key=phone.session.session_key)

    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await sync_to_async(here.post)(reverse("usersessions_list"), {"session": phones.pk})
    assert response.status_code == 302
    assert await closed_within(phone_socket, 1) == 4401
    assert loop.time() - started < 1

    await change_shared_part(couple)
    await frames_until(here_socket, 'id="statements"')
    assert await phone_socket.receive_nothing(timeout=0.3)
    await close_quietly(here_socket, phone_socket)


async def test_log_out_everywhere_else_closes_every_other_socket(make_client, alice, couple):
    here = await login(make_client, alice)
    others = [await login(make_client, alice) for _ in range(2)]
    here_socket = await open_socket(here)
    other_sockets = [await open_socket(client) for client in others]

    response = await sync_to_async(here.post)(reverse("usersessions_list"), {"end": "others"})
    assert response.status_code == 302
    for socket in other_sockets:
        assert await closed_within(socket, 1) == 4401

    await change_shared_part(couple)
    await frames_until(here_socket, 'id="statements"')
    await close_quietly(here_socket, *other_sockets)
