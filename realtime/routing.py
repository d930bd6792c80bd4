"""Websocket routes: one socket per open dashboard."""

from django.urls import path

from .consumers import SpaceConsumer

websocket_urlpatterns = [path("ws/space/", SpaceConsumer.as_asgi())]
