"""HTML to PDF with WeasyPrint, offline.

A brief must never make the server fetch anything: not a remote font, not an
image someone managed to put in a text, not an internal address. The document's
base URL is on a reserved, never-resolvable host (``.invalid``, RFC 2606) and the
URL fetcher serves only our own static files under that host; every other URL
(http, https, file, data, ftp, ...) is refused without opening anything.
"""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://brief.invalid/"


class RefusedFetch(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves ``https://brief.invalid/static/...`` from our static files; refuses the rest."""

    def __init__(self, read_static):
        super().__init__(allowed_protocols=("https",))
        self.read_static = read_static
        self.served = []
        self.refused = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        static_prefix = settings.STATIC_URL
        if (
            parts.scheme != "https"
            or parts.netloc != urlsplit(BASE_URL).netloc
            or not parts.path.startswith(static_prefix)
            or ".." in parts.path
        ):
            self.refused.append(url)
            raise RefusedFetch("Only our own static files are used in a PDF.")
        name = unquote(parts.path[len(static_prefix) :])
        try:
            body = self.read_static(name)
        except FileNotFoundError:
            self.refused.append(url)
            raise RefusedFetch("No such static file.") from None
        self.served.append(name)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def html_to_pdf(html, *, read_static):
    fetcher = StaticOnlyFetcher(read_static)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
