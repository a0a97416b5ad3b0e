"""The one form flow of the product: a POST is validated by its form, handed to one service (which
owns its transaction: a refusal writes nothing), and a refusal comes back at the field it names;
success gives a French message and a redirect, or the htmx partial that replaces the form. A POST
that is only a button (validate, delete, revoke), or a small form inside another page, has no form
page to come back to: `act`.

An irreversible action (validate, record an exit, close, anonymise) asks first: with `confirm`,
a valid POST that does not carry `confirmed` gets the confirmation page (`confirm.html`) that
says what will happen and sends the same data again, with JavaScript or without."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.messages.utils import get_level_tags
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ancrage.kernel.forms import errors_to_form

# The POST keys the confirmation page adds or must not send again.
CONFIRMED = "confirmed"
BACK = "back_to_form"
_NOT_RESENT = {"csrfmiddlewaretoken", CONFIRMED, BACK}


def _confirmation(request, confirm: dict, *, status: int = 200):
    """The page that asks before an irreversible action: `confirm` gives its `title`, what will
    happen (`consequences`, sentences), the `label` of the confirming button and `back` (the
    page the form was on, when going back is a link rather than the form again)."""
    posted = [
        (name, value)
        for name in request.POST
        if name not in _NOT_RESENT
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "confirm.html",
        {
            "confirm": {"label": _("Confirmer"), **confirm},
            "posted": posted,
            "confirmed_name": CONFIRMED,
            "back_name": BACK,
        },
        status=status,
    )


def _with_live_message(response, text: str, level: int):
    """An htmx answer that also says what happened: the message goes out of band into the
    page's live region (announced, then focused by ancrage.js), not to the next page."""
    if text:
        tag = get_level_tags().get(level, "")
        response.content += render_to_string(
            "includes/live_message.html", {"text": text, "level_tag": tag}
        ).encode()
    return response


def confirmed(request) -> bool:
    """Whether this POST comes from the confirmation page's confirming button."""
    return request.POST.get(CONFIRMED) == "1"


def submit(
    request,
    form,
    save: Callable[[Any], Any],
    *,
    template: str,
    context: dict | Callable[[], dict] | None = None,
    success: Any = None,
    message: str | Callable[[Any], str] | None = None,
    level: int = messages.SUCCESS,
    fallback: str | None = None,
    also_valid: Iterable = (),
    partial: str | None = None,
    refused_status: int = 200,
    form_name: str = "form",
    confirm: dict | Callable[[Any], dict] | None = None,
):
    """Answer a form page.

    - GET (or any request that is not a POST): the page `template` with the form.
    - POST: when `form` and every form of `also_valid` (formsets) are valid, `save(form)` calls
      the service. A `ValidationError` from it goes to the fields it names (else to `fallback`,
      or the top of the form) and the page comes back with `refused_status`.
    - On success: `message` (a text, or a function of what `save` returned) at `level`, then
      with htmx and a `partial`, that template with the context and `result`; otherwise a
      redirect to `success` (a URL, a view name or a model; or a function of the result that
      gives one).
    - `context` may be a function giving it: then it is built only when a page or a partial is
      rendered (what a page reads costs nothing on the way to a redirect).
    - `confirm` (a dict, or a function of the valid form giving one: see `_confirmation`): an
      irreversible action. A valid POST is saved only once confirmed; "back to the form" shows
      the form again with what was typed.
    """

    def page_context(more: dict) -> dict:
        return {**((context() if callable(context) else context) or {}), **more}

    status = 200
    if request.method == "POST":
        valid = form.is_valid() and all(other.is_valid() for other in also_valid)
        if valid and confirm and not confirmed(request):
            if BACK in request.POST:
                return render(request, template, page_context({form_name: form}))
            return _confirmation(request, confirm(form) if callable(confirm) else confirm)
        if valid:
            try:
                result = save(form)
            except ValidationError as error:
                errors_to_form(form, error, fallback)
            else:
                text = (message(result) if callable(message) else message) if message else ""
                if partial and getattr(request, "htmx", False):
                    response = render(
                        request, partial, page_context({form_name: form, "result": result})
                    )
                    return _with_live_message(response, text, level)
                if text:
                    messages.add_message(request, level, text)
                return redirect(success(result) if callable(success) else success)
        status = refused_status
    return render(request, template, page_context({form_name: form}), status=status)


def act(
    request,
    do: Callable[[], Any],
    *,
    success: Any,
    message: str | Callable[[Any], str] | None = None,
    level: int = messages.SUCCESS,
    partial: str | None = None,
    context: Callable[[Any, str | None], dict] | None = None,
    confirm: dict | None = None,
):
    """Answer a POST that is only a button: `do()` calls the service. A `ValidationError` from it
    becomes an error message; on success `message` (a text, or a function of what `do` returned;
    nothing when it gives an empty text) at `level`. Both ways redirect to `success` (a URL, a
    view name or a model), the page the button was on.

    With htmx and a `partial` (a small form inside another page, which replaces only its own
    part), that template comes back instead, both ways, with `context(result, error)`: what `do`
    returned (None when refused) and the refusal's text (None on success); no message then, the
    partial says it.

    With `confirm` (see `_confirmation`; its `back` is the page the button was on), the button
    first leads to the confirmation page; only its confirming button does the action."""
    if confirm and not confirmed(request):
        return _confirmation(request, {"back": success, **confirm})
    try:
        result, error = do(), None
    except ValidationError as refusal:
        result, error = None, " ".join(refusal.messages)
    if partial and getattr(request, "htmx", False):
        return render(request, partial, context(result, error) if context else {})
    if error is not None:
        messages.error(request, error)
    else:
        text = message(result) if callable(message) else message
        if text:
            messages.add_message(request, level, text)
    return redirect(success)
