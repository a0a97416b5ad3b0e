"""Two guards every response passes: a request body larger than the product accepts is refused
before a byte of it is read, and a page or file served to a logged-in user is never kept by a
browser or a proxy cache."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

# What a form adds to its file (fields, multipart boundaries): the file's own limit is checked
# again by the form (kernel.uploads), with a French message at the field.
FORM_ALLOWANCE = 1024 * 1024


def large_body(setting: str):
    """Let one view (an upload of the books: an FEC of a large year) take a body up to the
    setting `setting` (bytes) plus the form, above `REQUEST_BODY_MAX_BYTES`; every other view
    keeps the general limit. The reverse proxy needs the same exception for that path."""

    def decorator(view):
        view.request_body_max_setting = setting
        return view

    return decorator


def _view_file_limit(request) -> int | None:
    """The file limit of the view the request goes to, when it has its own (`large_body`)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    setting = getattr(match.func, "request_body_max_setting", None)
    return getattr(settings, setting) if setting else None


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose declared body (`Content-Length`) is over
    `REQUEST_BODY_MAX_BYTES` (or over its view's own limit, see `large_body`), before Django
    parses it (the CSRF check reads the form, so this
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

            file_limit = _view_file_limit(request)
            if file_limit is not None and length <= file_limit + FORM_ALLOWANCE:
                return self.get_response(request)
            response = HttpResponse(
                render_to_string(
                    "413.html",
                    {"limit": filesizeformat(file_limit or settings.DOCUMENT_MAX_BYTES)},
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
