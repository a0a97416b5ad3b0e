"""Documents that leave the product: PDFs rendered by WeasyPrint from a template, and downloads."""

from __future__ import annotations

from io import BytesIO

from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control


def render_pdf(
    template: str, context: dict, *, stylesheet: str | None = None, css: str = ""
) -> bytes:
    """The PDF of `template` rendered with `context`, styled by the stylesheet file and/or the CSS
    text given."""
    # WeasyPrint loads Pango and its fonts: imported on the first PDF, not when the site starts.
    from weasyprint import CSS, HTML

    stylesheets = []
    if stylesheet:
        stylesheets.append(CSS(filename=str(stylesheet)))
    if css:
        stylesheets.append(CSS(string=css))
    return HTML(string=render_to_string(template, context)).write_pdf(stylesheets=stylesheets)


def download(content, filename: str, content_type: str) -> FileResponse:
    """An attachment named `filename`: `content` is bytes or an open file. Never sniffed into
    another type by the browser, never kept by a cache (it carries personal or funder data;
    kernel.middleware.PrivateResponseMiddleware says the same of every logged-in page)."""
    source = BytesIO(content) if isinstance(content, bytes | bytearray) else content
    response = FileResponse(
        source, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, no_store=True, private=True)
    return response
