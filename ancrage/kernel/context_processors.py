"""What every page needs: the demo banner and the user's navigation rights."""

from django.conf import settings

from ancrage.kernel.access import can


def ancrage(request):
    user = getattr(request, "user", None)
    return {
        "relaxed_two_factor": settings.RELAX_TWO_FACTOR,
        "demo": settings.DEMO,
        "nav": {
            "search": bool(user) and can(user, "person", "search"),
            "break_glass": bool(user) and can(user, "break_glass", "use"),
            "admin": bool(user) and can(user, "administration", "change"),
            "memberships": bool(user) and can(user, "membership", "view"),
            "agenda": bool(user) and can(user, "calendar_feed", "use"),
            "o2r": bool(user) and can(user, "o2r_programme", "view"),
            "o2r_report": bool(user) and can(user, "o2r_report", "view"),
            "o2r_programme_change": bool(user) and can(user, "o2r_programme", "change"),
        },
    }
