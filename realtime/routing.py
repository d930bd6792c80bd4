"""Websocket routes. The dashboard consumer arrives with live sync; until
then no websocket path exists, and any connection attempt is refused."""

websocket_urlpatterns = []
