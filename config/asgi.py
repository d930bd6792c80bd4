import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models (consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from realtime.origin import SiteOriginValidator  # noqa: E402
from realtime.routing import unknown_socket_routes, websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The site's own origins only (scheme, host and port: realtime/origin.py).
        "websocket": SiteOriginValidator(
            AuthMiddlewareStack(URLRouter([*websocket_urlpatterns, *unknown_socket_routes]))
        ),
    }
)
