from django.utils.cache import add_never_cache_headers


class PrivateNoStoreMiddleware:
    """Nothing shown to a signed-in person is kept by browsers or proxies.

    Every page here is about someone's intimate life; ``no-store`` keeps it out
    of shared caches and the back-forward cache of a borrowed device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(
            ("/accounts/", "/join/")
        ):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, ...
        return response


class HealthCheckMiddleware:
    """Answers ``/healthz`` before host validation and HTTPS redirects, so the
    container's own health probe works whatever ALLOWED_HOSTS says. It checks
    that the database answers; it reveals nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            from django.db import connection
            from django.http import HttpResponse

            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except Exception:
                return HttpResponse("database unavailable", status=503, content_type="text/plain")
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)
