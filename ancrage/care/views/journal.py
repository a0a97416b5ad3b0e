"""Daily journal pages: a house's journal and a child's journal, each with quick entry without
reload (htmx: the form posts, the new entry appears at the top, errors stay at the field), and
the correction (24 h) or annotation of an entry in place."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.care.forms.journal import LEVEL_READERS, AnnotationForm, EditForm, EntryForm
from ancrage.care.queries import journal as queries
from ancrage.care.services import journal as services
from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit


def _entry_message(entry) -> str:
    """What saving an entry did: where it is written and who reads it."""
    about = entry.child.first_names if entry.child_id else entry.house.name
    return _("Observation enregistrée (%(about)s). Elle est lue par %(readers)s.") % {
        "about": about,
        "readers": LEVEL_READERS[entry.level],
    }


def _journal(request, context, *, children, url, child=None):
    """GET: the page. POST: write an entry; with htmx the answer is the blank form plus the new
    entry (inserted at the top out of band), or the form with its errors (200: htmx swaps it)."""
    house = context["house"]
    htmx_post = bool(request.htmx) and request.method == "POST"

    def write(form):
        if house is None:
            raise ValidationError({"text": services.no_house_message()})
        entry = services.write_entry(
            house=house,
            child=child or form.chosen_child(),
            level=form.cleaned_data["level"],
            text=form.cleaned_data["text"],
            by=request.user,
        )
        entry.can_edit = True
        return entry

    return submit(
        request,
        EntryForm(request.POST or None, levels=context["levels"], children=children),
        write,
        success=url,
        message=_entry_message,
        template="care/_journal_posted.html" if htmx_post else "care/journal.html",
        partial="care/_journal_posted.html",
        context={
            **context,
            "post_url": url,
            "show_child": child is None,
            "result": None,
            # the form the answer to a quick entry gives back, blank for the next one
            "next_form": (
                EntryForm(levels=context["levels"], children=children) if htmx_post else None
            ),
        },
        refused_status=200 if request.htmx else 422,
    )


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


def _in_place(request, pk, form, form_name, service):
    """A correction or an annotation of an entry: with htmx the answer is the entry's list item
    as it now reads, or with the refused form open at its errors (200: htmx swaps it); without,
    back to the journal, or the entry's page with the errors."""
    entry = queries.visible_entry(request.user, pk)
    entry.can_edit = services.editable(entry, request.user)

    def save(form):
        service(entry, text=form.cleaned_data["text"], by=request.user)
        saved = queries.visible_entry(request.user, entry.pk)
        saved.can_edit = services.editable(saved, request.user)
        return saved

    journal = (
        reverse("care:child_journal", args=[entry.child.reference])
        if entry.child_id
        else reverse("care:house_journal", args=[entry.house_id])
    )
    return submit(
        request,
        form,
        save,
        success=journal,
        template="care/_journal_entry.html" if request.htmx else "care/journal_entry.html",
        partial="care/_journal_entry_saved.html",
        context={"entry": entry, "show_child": True},
        form_name=form_name,
        refused_status=200 if request.htmx else 422,
    )


@requires("journal", "write")
@require_POST
def entry_edit(request, pk):
    return _in_place(request, pk, EditForm(request.POST), "edit_form", services.edit_entry)


@requires("journal", "write")
@require_POST
def entry_annotate(request, pk):
    return _in_place(
        request, pk, AnnotationForm(request.POST), "annotation_form", services.annotate_entry
    )
