"""The app's own ASGI application plus one bench-only socket: a bare Channels
echo through the channel layer, the yardstick for bench/sync_latency.py."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from realtime.routing import websocket_urlpatterns  # noqa: E402


class EchoConsumer(AsyncWebsocketConsumer):
    """Client A's text goes to the pair's group; every socket of the pair but the
    sender sends it on to its client (one group_send and one receive through Redis,
    as a real push has, minus the database and the rendering)."""

    async def connect(self):
        self.group = f"bench.{int(self.scope['url_route']['kwargs']['pair'])}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(
            self.group, {"type": "echo", "text": text_data, "sender": self.channel_name}
        )

    async def echo(self, event):
        if event["sender"] != self.channel_name:
            await self.send(text_data=event["text"])


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter(
                    [
                        *websocket_urlpatterns,
                        path("ws/bench-echo/<int:pair>/", EchoConsumer.as_asgi()),
                    ]
                )
            )
        ),
    }
)
