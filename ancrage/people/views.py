"""Person search, the person page, its access history, family links and sibling groups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.core.access import can, requires
from ancrage.core.forms import errors_to_form
from ancrage.people import queries, services
from ancrage.people.forms import FamilyLinkForm, IdentityForm, PersonSearchForm, SiblingGroupForm
from ancrage.people.models import Person, SiblingGroup


@requires("person", "search")
def person_search(request):
    form = PersonSearchForm(request.GET or None)
    results, searched = [], False
    if form.is_bound and form.is_valid():
        searched = bool(form.cleaned_data["q"] or form.cleaned_data["birth_date"])
        results = queries.search_people(
            request.user, form.cleaned_data["q"], form.cleaned_data["birth_date"]
        )
    context = {
        "form": form,
        "results": results,
        "searched": searched,
        "limit": queries.SEARCH_LIMIT,
    }
    # htmx asks for the results only; a history restore needs the whole page again.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "people/_search_results.html" if partial else "people/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@requires("person", "view")
def person_detail(request, reference):
    return render(
        request, "people/person_detail.html", queries.person_page(request.user, reference)
    )


@requires("person", "change")
@require_http_methods(["GET", "POST"])
def person_edit(request, reference):
    person = queries.visible_person(request.user, reference, audit_as="people.edit")
    form = IdentityForm(
        request.POST or None,
        # The form writes into this instance; the service compares with a fresh locked row.
        instance=person,
        with_contact=can(request.user, "person_contact", "view"),
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.update_identity(person, changes)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'identité est mise à jour."))
            return redirect("people:detail", reference=person.reference)
    return render(request, "people/person_form.html", {"person": person, "form": form})


@requires("access_log", "view")
def person_access_log(request, reference):
    return render(
        request, "people/access_log.html", queries.access_history(request.user, reference)
    )


@requires("family", "change")
@require_http_methods(["GET", "POST"])
def family_link_add(request, reference):
    person = queries.visible_person(request.user, reference, audit_as="people.family_link_add")
    visible = Person.objects.visible_to(request.user).exclude(pk=person.pk)
    form = FamilyLinkForm(request.POST or None, visible_people=visible)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_relatives(
                person, form.cleaned_data["relative"], form.cleaned_data["kind"], by=request.user
            )
        except ValidationError as error:
            errors_to_form(form, error, fallback="relative_reference")
        else:
            messages.success(request, _("Le lien familial est enregistré."))
            return redirect("people:detail", reference=person.reference)
    return render(request, "people/family_link_form.html", {"person": person, "form": form})


@requires("family", "change")
@require_http_methods(["GET", "POST"])
def sibling_group_edit(request, pk):
    visible = Person.objects.visible_to(request.user)
    # A fratrie is reachable only through a child the user may see.
    group = get_object_or_404(
        SiblingGroup.objects.filter(memberships__person__in=visible).distinct(), pk=pk
    )
    candidates = (
        visible.filter(
            Q(sibling_membership__group=group)
            | Q(sibling_membership__isnull=True, stays__isnull=False)
        )
        .distinct()
        .order_by("last_name", "first_names")
    )
    initial = {"name": group.name, "note": group.note, "members": list(group.members.all())}
    form = SiblingGroupForm(request.POST or None, initial=initial, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_sibling_group(
                group,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                members=form.cleaned_data["members"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La fratrie est mise à jour."))
            return redirect("people:detail", reference=group.members.first().reference)
    return render(request, "people/sibling_group_form.html", {"group": group, "form": form})
