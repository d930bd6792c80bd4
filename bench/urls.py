from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


def whoami(request):
    """The floor of any signed-in page: the session and the person read, nothing else."""
    return HttpResponse(str(request.user.pk).encode(), content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/whoami/", whoami),
    path("", include("config.urls")),
]
