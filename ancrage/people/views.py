"""Correcting an identity, the access history, family links and sibling groups."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.kernel.access import can, requires
from ancrage.kernel.audit import record_shown
from ancrage.kernel.flow import submit
from ancrage.kernel.versions import FORM_ONLY_FIELDS, expected_version
from ancrage.people import queries, services
from ancrage.people.forms import FamilyLinkForm, IdentityForm, SiblingGroupForm
from ancrage.people.models import Person, SiblingGroup


@requires("person", "change")
@require_http_methods(["GET", "POST"])
def person_edit(request, reference):
    person = queries.visible_person(request.user, reference, audit_as="people.edit")
    person_url = reverse("web:person", args=[person.reference])
    form = IdentityForm(
        request.POST or None,
        # The form writes into this instance; the service compares with a fresh locked row.
        instance=person,
        with_contact=can(request.user, "person_contact", "view"),
    )
    return submit(
        request,
        form,
        lambda form: services.update_identity(
            person,
            {name: form.cleaned_data[name] for name in form.fields if name not in FORM_ONLY_FIELDS},
            expected_version=expected_version(form),
        ),
        message=_("L'identité est mise à jour."),
        success=person_url,
        template="form_page.html",
        context={
            "person": person,
            "title": _("Corriger l'identité"),
            "help": _(
                "Chaque modification est enregistrée avec son auteur, sa date, l'ancienne et la "
                "nouvelle valeur."
            ),
            "cancel_url": person_url,
        },
    )


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
    person_url = reverse("web:person", args=[person.reference])
    return submit(
        request,
        form,
        lambda form: services.link_relatives(
            person, form.cleaned_data["relative"], form.cleaned_data["kind"], by=request.user
        ),
        fallback="relative_reference",
        message=_("Le lien familial est enregistré."),
        success=person_url,
        template="form_page.html",
        context={
            "person": person,
            "title": _("Ajouter un lien familial"),
            "cancel_url": person_url,
        },
    )


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
    return submit(
        request,
        form,
        lambda form: services.edit_sibling_group(
            group,
            name=form.cleaned_data["name"],
            note=form.cleaned_data["note"],
            members=form.cleaned_data["members"],
            by=request.user,
        ),
        message=_("La fratrie est mise à jour."),
        success=lambda _result: reverse("web:person", args=[group.members.first().reference]),
        template="people/sibling_group_form.html",
        context=lambda: _shown_sibling_candidates(request.user, group, candidates),
    )


def _shown_sibling_candidates(user, group, candidates):
    """The page names every candidate in its select: each read recorded, in one insert."""
    record_shown(user, candidates.values_list("pk", flat=True), "people.sibling_group_edit")
    return {"group": group, "title": _("Modifier la fratrie")}
