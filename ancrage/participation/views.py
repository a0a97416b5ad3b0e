"""The youth space: my page, my project, my appointments (and my calendar link). Every page
starts from the account's own file; a space not yet open at her age says when it opens."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.care.queries.agenda import my_feed
from ancrage.care.services import agenda as agenda_services
from ancrage.kernel.access import requires
from ancrage.kernel.documents import download
from ancrage.kernel.flow import act, submit
from ancrage.participation import services
from ancrage.participation.forms import ConcernForm, MessageForm
from ancrage.participation.queries import youth


def _space_or_closed(request):
    """The young person's space, or the page saying from what age it opens."""
    space = youth.own_space(request.user)
    if space.is_open:
        return space, None
    return space, render(request, "participation/youth_closed.html", {"space": space})


@requires("youth_space", "view")
def youth_home(request):
    space, closed = _space_or_closed(request)
    if closed:
        return closed
    return render(request, "participation/youth_home.html", youth.my_page(request.user, space))


@requires("youth_space", "view")
def youth_project(request):
    space, closed = _space_or_closed(request)
    if closed:
        return closed
    return render(
        request, "participation/youth_project.html", youth.my_project(request.user, space)
    )


@requires("youth_space", "view")
def youth_appointments(request, token=None):
    space, closed = _space_or_closed(request)
    if closed:
        return closed
    feed_url = request.build_absolute_uri(reverse("care:ics_feed", args=[token])) if token else None
    return render(
        request,
        "participation/youth_appointments.html",
        {
            "space": space,
            "appointments": youth.my_appointments(request.user, space),
            "feed": my_feed(request.user),
            "feed_url": feed_url,
        },
    )


@requires("youth_space", "view")
@require_POST
@never_cache
def youth_feed_regenerate(request):
    """A new secret link to my appointments, shown once (only its hash is kept)."""
    space, closed = _space_or_closed(request)
    if closed:
        return closed
    token = agenda_services.regenerate_feed(request.user)
    messages.success(request, _("Ton lien est prêt. L'ancien lien ne marche plus."))
    return youth_appointments(request, token=token)


@requires("youth_space", "view")
@require_POST
def youth_feed_revoke(request):
    return act(
        request,
        lambda: agenda_services.revoke_feed(request.user),
        message=lambda revoked: _("Ton lien est supprimé.") if revoked else "",
        success="participation:youth_appointments",
    )


@requires("youth_space", "view")
def youth_council(request):
    space, closed = _space_or_closed(request)
    if closed:
        return closed
    return render(
        request, "participation/youth_council.html", youth.my_council(request.user, space)
    )


@requires("youth_space", "view")
def youth_council_document(request, pk):
    """A document of the council she sits on (a representative of the children)."""
    document = youth.my_council_document(youth.own_space(request.user), pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return download(handle, document.original_name, document.content_type)


# Speak up ------------------------------------------------------------------------------------


@requires("youth_space", "view")
def youth_speak(request):
    space, closed = _space_or_closed(request)
    if closed:
        return closed
    return render(request, "participation/youth_speak.html", youth.speak_page(request.user, space))


@requires("youth_space", "write")
@require_http_methods(["GET", "POST"])
def youth_message_new(request):
    space, closed = _space_or_closed(request)
    if closed:
        return closed
    return submit(
        request,
        MessageForm(request.POST or None),
        lambda form: services.write_to_referent(space, request.user, **form.cleaned_data),
        message=_("Ton message est envoyé."),
        success="participation:youth_speak",
        template="participation/youth_form.html",
        context={
            "title": _("Écrire à mon référent"),
            "submit_label": _("Envoyer mon message"),
            "cancel_url": reverse("participation:youth_speak"),
            "explain": "message",
        },
        refused_status=422,
    )


@requires("youth_space", "report")
@require_http_methods(["GET", "POST"])
def youth_concern_new(request):
    space, closed = _space_or_closed(request)
    if closed:
        return closed
    return submit(
        request,
        ConcernForm(request.POST or None),
        lambda form: services.raise_concern(space, request.user, **form.cleaned_data),
        message=_("Ton inquiétude est bien reçue. Un adulte responsable s'en occupe."),
        success="participation:youth_speak",
        template="participation/youth_form.html",
        context={
            "title": _("Dire que je suis inquiet ou inquiète"),
            "submit_label": _("Envoyer"),
            "cancel_url": reverse("participation:youth_speak"),
            "explain": "concern",
        },
        refused_status=422,
    )


@requires("youth_message", "view")
def youth_messages(request):
    return render(
        request,
        "participation/youth_messages.html",
        {"messages_received": youth.messages_for_staff(request.user)},
    )
