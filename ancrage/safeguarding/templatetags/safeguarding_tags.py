from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def duration_fr(value: timedelta | None) -> str:
    """A delay as days and hours (or hours and minutes under a day); "—" when unknown."""
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)s j %(h)s h") % {"d": days, "h": hours}
    return _("%(h)s h %(m)02d") % {"h": hours, "m": minutes}
