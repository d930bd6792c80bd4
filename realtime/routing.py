"""Websocket routes: one socket per open dashboard."""

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from .consumers import SpaceConsumer

websocket_urlpatterns = [path("ws/space/", SpaceConsumer.as_asgi())]


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other websocket path: the handshake is refused (403), as an unknown
    page is a 404, instead of the router raising inside the ASGI app."""

    async def connect(self):
        await self.close()


# Last, after every real route (config/asgi.py; bench/asgi.py adds its own first).
unknown_socket_routes = [re_path(r"", NoSuchSocket.as_asgi())]
