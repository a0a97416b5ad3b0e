"""Writes of appointments and of the personal ICS feed: one transaction each, refusals as French
ValidationErrors keyed by form field."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.accounts.models import Membership, User
from ancrage.care.models.agenda import Appointment, CalendarFeed, CalendarFeedFetch, hash_token
from ancrage.kernel.access import can
from ancrage.kernel.versions import locked
from ancrage.people.models import Person
from ancrage.placements.models import Stay

EDITABLE_FIELDS = ("kind", "starts_at", "ends_at", "place", "with_whom", "accompanied_by", "notes")


def current_house(child):
    stay = Stay.objects.current().filter(child=child).select_related("unit").first()
    return stay.unit if stay else None


def staff_of(house):
    """Users working today in the house or its village: who may accompany a child."""
    if house is None:
        return User.objects.none()
    working = Membership.objects.in_force().filter(
        Q(unit=house) | Q(establishment_id=house.establishment_id)
    )
    return User.objects.filter(is_active=True, pk__in=working.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def _check(data: dict, child) -> None:
    errors = {}
    if data.get("kind") not in Appointment.Kind.values:
        errors["kind"] = _("Choisissez le type de rendez-vous.")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("La fin du rendez-vous doit suivre son début.")
    companion = data.get("accompanied_by")
    if (
        companion is not None
        and not staff_of(current_house(child)).filter(pk=companion.pk).exists()
    ):
        errors["accompanied_by"] = _(
            "La personne qui accompagne doit travailler dans la maison ou le village de l'enfant."
        )
    if errors:
        raise ValidationError(errors)


def _require(by, child):
    if not can(by, "appointment", "change") or not (
        Person.objects.visible_to(by).filter(pk=child.pk).exists()
    ):
        raise ValidationError(_("Vous ne pouvez pas gérer les rendez-vous de cet enfant."))


@transaction.atomic
def plan_appointment(*, child, by, **data) -> Appointment:
    """A new appointment for a child living in a house today, whom the writer follows."""
    _require(by, child)
    if current_house(child) is None:
        raise ValidationError(_("Cet enfant ne vit dans aucune maison aujourd'hui."))
    _check(data, child)
    return Appointment.objects.create(
        child=child, created_by=by, **{k: data.get(k) for k in EDITABLE_FIELDS if k in data}
    )


@transaction.atomic
def update_appointment(
    appointment: Appointment, *, by, expected_version=None, **data
) -> Appointment:
    appointment = locked(appointment, expected_version)
    _require(by, appointment.child)
    if appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError(_("Un rendez-vous annulé ne se modifie plus."))
    _check(data, appointment.child)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(appointment, name, data[name])
    appointment.save()
    return appointment


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, reason: str, by) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _require(by, appointment.child)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi le rendez-vous est annulé.")})
    if appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError({"reason": _("Ce rendez-vous est déjà annulé.")})
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancellation_reason = reason[:200]
    appointment.save(update_fields=["status", "cancellation_reason"])
    return appointment


# Personal ICS feed ---------------------------------------------------------------------------


@transaction.atomic
def regenerate_feed(user) -> str:
    """A new secret link for the user's feed; the previous one stops working at once. The
    token is returned once and only its hash is kept."""
    token = CalendarFeed.new_token()
    CalendarFeed.objects.update_or_create(
        user=user,
        defaults={
            "token_hash": hash_token(token),
            "created_at": timezone.now(),
            "last_fetched_at": None,
            "fetch_count": 0,
        },
    )
    return token


@transaction.atomic
def revoke_feed(user) -> bool:
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def feed_for(token: str) -> CalendarFeed | None:
    """The live feed of this token, with its owner, or None (unknown or revoked token)."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), user__is_active=True)
        .first()
    )


def record_fetch(feed: CalendarFeed, events: int) -> None:
    """Who read the feed, when: a fetch row and counters, in their own small writes (a phone
    polls every few minutes; the feed is served whatever happens here)."""
    now = timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(
        last_fetched_at=now, fetch_count=F("fetch_count") + 1
    )
    CalendarFeedFetch.objects.create(user_id=feed.user_id, at=now, events=events)
