"""Daily journal pages: a house's journal and a child's journal, each with quick entry without
reload (htmx: the form posts, the new entry appears at the top, errors stay at the field), and
the correction (24 h) or annotation of an entry in place."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.care.forms.journal import AnnotationForm, EditForm, EntryForm
from ancrage.care.queries import journal as queries
from ancrage.care.services import journal as services
from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form


def _journal(request, context, *, children, url, child=None):
    """GET: the page. POST: write an entry; with htmx the answer is the blank form plus the new
    entry (inserted at the top out of band), or the form with its errors (200: htmx swaps it)."""
    house = context["house"]
    form = EntryForm(request.POST or None, levels=context["levels"], children=children)
    entry = None
    if request.method == "POST" and form.is_valid():
        try:
            if house is None:
                raise ValidationError({"text": services.no_house_message()})
            entry = services.write_entry(
                house=house,
                child=child or form.chosen_child(),
                level=form.cleaned_data["level"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            if not request.htmx:
                return redirect(url)
            entry.can_edit = True
            form = EntryForm(levels=context["levels"], children=children)
    context.update({"form": form, "post_url": url, "show_child": child is None})
    if request.htmx and request.method == "POST":
        return render(request, "care/_journal_posted.html", {**context, "entry": entry})
    status = 422 if request.method == "POST" else 200
    return render(request, "care/journal.html", context, status=status)


@requires("journal", "view")
@require_http_methods(["GET", "POST"])
def house_journal(request, pk):
    context = queries.house_journal(request.user, pk, request.GET.get("avant"))
    return _journal(
        request,
        context,
        children=context["children"],
        url=reverse("care:house_journal", args=[pk]),
    )


@requires("journal", "view")
@require_http_methods(["GET", "POST"])
def child_journal(request, reference):
    context = queries.child_journal(request.user, reference, request.GET.get("avant"))
    return _journal(
        request,
        context,
        children=None,
        child=context["person"],
        url=reverse("care:child_journal", args=[reference]),
    )


def _entry_answer(request, entry, form_name, form):
    """The entry again (its list item for htmx), with the refused form open at its errors."""
    entry = queries.visible_entry(request.user, entry.pk)
    entry.can_edit = services.editable(entry, request.user)
    context = {"entry": entry, "show_child": True, f"{form_name}_form": form}
    if request.htmx:
        return render(request, "care/_journal_entry.html", context)
    if form is None:
        target = (
            reverse("care:child_journal", args=[entry.child.reference])
            if entry.child_id
            else reverse("care:house_journal", args=[entry.house_id])
        )
        return redirect(target)
    return render(request, "care/journal_entry.html", context, status=422)


@requires("journal", "write")
@require_POST
def entry_edit(request, pk):
    entry = queries.visible_entry(request.user, pk)
    form = EditForm(request.POST)
    if form.is_valid():
        try:
            services.edit_entry(entry, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return _entry_answer(request, entry, "edit", None)
    return _entry_answer(request, entry, "edit", form)


@requires("journal", "write")
@require_POST
def entry_annotate(request, pk):
    entry = queries.visible_entry(request.user, pk)
    form = AnnotationForm(request.POST)
    if form.is_valid():
        try:
            services.annotate_entry(entry, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return _entry_answer(request, entry, "annotation", None)
    return _entry_answer(request, entry, "annotation", form)
