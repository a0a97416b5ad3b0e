"""What every page needs: the demo banners. Which links a page offers is asked of the permission
table by `{% url_if_allowed %}` (kernel/templatetags/access.py), not computed here."""

from django.conf import settings


def ancrage(request):
    return {
        "relaxed_two_factor": settings.RELAX_TWO_FACTOR,
        "demo": settings.DEMO,
    }
