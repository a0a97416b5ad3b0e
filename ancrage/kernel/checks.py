"""System checks (`ancrage check`): every URL of the product declares its access rule."""

from django.core.checks import Error, register
from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns(patterns=None, namespace=""):
    """(view name, callback) of every URL of the project, the admin site excepted: it answers
    to the permission table through its own site class."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry.callback


@register("urls")
def every_url_has_an_access_rule(app_configs, **kwargs):
    """A view without `requires`, `authenticated` or `public` would be reachable by anyone
    logged in: refuse to start rather than find out in production."""
    return [
        Error(
            f"La vue de l'adresse « {name} » ne déclare aucune règle d'accès.",
            hint="Décorez-la avec requires(kind, action), authenticated ou public "
            "(ancrage/kernel/access.py).",
            obj=callback,
            id="ancrage.E001",
        )
        for name, callback in url_patterns()
        if getattr(callback, "access_rule", None) is None
    ]
