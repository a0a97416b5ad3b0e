"""Referrals from the villages: the list the O2R service welcomes from, and the referral sent
from a young person's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.insertion.forms.referral import AcceptReferralForm, VillageReferralForm
from ancrage.insertion.queries import referral as queries
from ancrage.insertion.queries.programme import user_team
from ancrage.insertion.services import referral as services
from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form
from ancrage.people.queries import visible_person


def _team(request):
    team = user_team(request.user)
    if team is None:
        raise PermissionDenied
    return team


def _form_page(request, template, form, context, success_url=None):
    return render(
        request,
        template,
        {"form": form, **context},
        status=422 if request.method == "POST" else 200,
    )


@requires("beneficiary", "view")
def referrals(request):
    return render(
        request,
        "insertion/referrals.html",
        {
            "referrals": queries.referrals(request.user),
            "form": AcceptReferralForm(),
            "can_write": user_team(request.user) is not None,
        },
    )


@requires("beneficiary", "change")
@require_POST
def referral_accept(request, pk):
    team = _team(request)
    referral = queries.referral(request.user, pk)
    form = AcceptReferralForm(request.POST, auto_id=f"id_{referral.pk}_%s")
    form.referral_pk = referral.pk
    if form.is_valid():
        try:
            beneficiary = services.accept_referral(
                referral, team=team, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le jeune est accueilli ; vérifiez son éligibilité."))
            return redirect("insertion:eligibility", pk=beneficiary.pk)
    return render(
        request,
        "insertion/referrals.html",
        {
            "referrals": queries.referrals(request.user),
            "form": form,
            "bound_pk": referral.pk,
            "can_write": True,
        },
        status=422,
    )


@requires("o2r_referral", "change")
@require_http_methods(["GET", "POST"])
def refer(request, reference):
    person = visible_person(request.user, reference, audit_as="insertion.refer")
    village = next(
        (
            m.establishment
            for m in request.user.active_memberships
            if m.establishment_id and m.establishment.kind == "village"
        ),
        None,
    )
    form = VillageReferralForm(
        request.POST or None,
        services=queries.o2r_services(),
        initial={"consent_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.refer_from_village(
                person, village=village, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'orientation est transmise au service O2R."))
            return redirect("web:person", reference=person.reference)
    return _form_page(
        request, "insertion/refer_form.html", form, {"person": person, "age": person.age()}
    )
