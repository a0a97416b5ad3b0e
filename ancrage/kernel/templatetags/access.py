"""`{% url_if_allowed %}`: the one way a template offers a link or a button to an action. It
reverses the URL like `{% url %}` and gives it only if the permission table (`kernel.access.can`)
grants the user the rule the URL's view declares; otherwise an empty string, so nothing is offered
that would answer 403. Scope (which record) stays the view's business: a link to a record out of
scope is not made by a page that does not show the record.

    {% url_if_allowed 'placements:admission_create' village.pk as add_url %}
    {% if add_url %}<a class="button" href="{{ add_url }}">…</a>{% endif %}
"""

from django import template
from django.urls import get_script_prefix, get_urlconf, resolve, reverse

from ancrage.kernel.access import AUTHENTICATED, PUBLIC, can

register = template.Library()


def allowed(user, url: str, view_name: str | None = None) -> bool:
    """Whether the table lets `user` through the view of `url` (deny when it declares no rule);
    `view_name`, when `url` was reversed from it, reads the rule resolved once for that name."""
    rule = view_rule(view_name, url) if view_name else _resolved_rule(url)
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return False
    return rule == AUTHENTICATED or can(user, *rule)


@register.simple_tag(takes_context=True)
def url_if_allowed(context, view_name, *args, **kwargs):
    url = (
        reverse_once(view_name)
        if not (args or kwargs)
        else reverse(view_name, args=args, kwargs=kwargs)
    )
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return url if allowed(user, url, view_name) else ""


def _resolved_rule(url: str):
    return getattr(resolve(url).func, "access_rule", None)


# The rule of the view each name leads to, resolved once per name and URL configuration: a page
# offers dozens of links to the same views, and resolving each was a few percent of a page's
# CPU (issue 19). A name always leads to the same view, whatever its arguments.
_RULES: dict = {}


def view_rule(view_name: str, url: str):
    key = (get_urlconf(), view_name)
    if key not in _RULES:
        _RULES[key] = _resolved_rule(url)
    return _RULES[key]


# The URL of each name taken without arguments (the navigation's links, on every page), reversed
# once per name, URL configuration and script prefix: the same URL every time (issue 19).
_URLS: dict = {}


def reverse_once(view_name: str) -> str:
    key = (get_urlconf(), get_script_prefix(), view_name)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(view_name)
    return url
