"""Referrals from the villages: the list the O2R service welcomes from, and the referral sent
from a young person's page."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.insertion.forms.referral import AcceptReferralForm, VillageReferralForm
from ancrage.insertion.queries import referral as queries
from ancrage.insertion.queries.programme import can_write, writing_team
from ancrage.insertion.services import referral as services
from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit
from ancrage.people.queries import visible_person


def _with_accept_forms(referrals, bound=None):
    """Give each referral the inline form that takes the young person in (the refused one for the
    referral it was posted for), the territories read once for all of them."""
    territories = None
    for referral in referrals:
        if bound is not None and bound.referral_pk == referral.pk:
            form = bound
        else:
            form = AcceptReferralForm(auto_id=f"id_{referral.pk}_%s")
        if territories is None:
            # through iter(): list() would first ask its len(), a COUNT query of its own
            territories = list(iter(form.fields["efop_territory"].choices))
        form.fields["efop_territory"].choices = territories
        referral.accept_form = form
    return referrals


@requires("beneficiary", "view")
def referrals(request):
    return render(
        request,
        "insertion/referrals.html",
        {
            "referrals": _with_accept_forms(queries.referrals(request.user)),
            "can_write": can_write(request.user),
        },
    )


@requires("beneficiary", "change")
@require_POST
def referral_accept(request, pk):
    team = writing_team(request.user)
    referral = queries.referral(request.user, pk)
    form = AcceptReferralForm(request.POST, auto_id=f"id_{referral.pk}_%s")
    form.referral_pk = referral.pk
    return submit(
        request,
        form,
        lambda form: services.accept_referral(
            referral, team=team, by=request.user, **form.cleaned_data
        ),
        template="insertion/referrals.html",
        context=lambda: {
            "referrals": _with_accept_forms(queries.referrals(request.user), bound=form),
            "can_write": True,
        },
        success=lambda beneficiary: reverse("insertion:eligibility", args=[beneficiary.pk]),
        message=_("Le jeune est accueilli ; vérifiez son éligibilité."),
        refused_status=422,
    )


@requires("o2r_referral", "change")
@require_http_methods(["GET", "POST"])
def refer(request, reference):
    person = visible_person(request.user, reference, audit_as="insertion.refer")
    form = VillageReferralForm(
        request.POST or None,
        services=queries.o2r_services(),
        initial={"consent_on": timezone.localdate()},
    )
    person_url = reverse("web:person", args=[person.reference])
    return submit(
        request,
        form,
        lambda form: services.refer_from_village(
            person,
            village=queries.referring_village(request.user),
            by=request.user,
            **form.cleaned_data,
        ),
        template="form_page.html",
        context={
            "person": person,
            "title": _("Orienter vers l'O2R"),
            "help": _(
                "Le service O2R accompagne vers l'emploi ou la formation les jeunes de 16 ans et "
                "plus. Le jeune doit avoir donné son accord : notez quand, comment et à quoi. Le "
                "service ne voit pas le dossier du village."
            ),
            "submit_label": _("Transmettre l'orientation"),
            "cancel_url": person_url,
        },
        success=person_url,
        message=_("L'orientation est transmise au service O2R."),
        refused_status=422,
    )
