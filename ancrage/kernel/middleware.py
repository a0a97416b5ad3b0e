"""Two guards every response passes: a request body larger than the product accepts is refused
before a byte of it is read, and a page or file served to a logged-in user is never kept by a
browser or a proxy cache."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose declared body (`Content-Length`) is over
    `REQUEST_BODY_MAX_BYTES`, before Django parses it (the CSRF check reads the form, so this
    middleware comes first). A body without a length is not read by Django under WSGI; the
    reverse proxy's own limit (`client_max_body_size`) stops the rest earlier still."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_BODY_MAX_BYTES:
            from django.http import HttpResponse
            from django.template.defaultfilters import filesizeformat

            response = HttpResponse(
                render_to_string(
                    "413.html", {"limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)}
                ),
                status=413,
            )
            # The client is still sending: close rather than read the rest.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class PrivateResponseMiddleware:
    """`Cache-Control: no-store, private` on every response to a logged-in user: pages and
    downloads carry personal data, and a shared or back-button cache must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
