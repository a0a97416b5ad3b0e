"""`{% url_if_allowed %}`: the one way a template offers a link or a button to an action. It
reverses the URL like `{% url %}` and gives it only if the permission table (`kernel.access.can`)
grants the user the rule the URL's view declares; otherwise an empty string, so nothing is offered
that would answer 403. Scope (which record) stays the view's business: a link to a record out of
scope is not made by a page that does not show the record.

    {% url_if_allowed 'placements:admission_create' village.pk as add_url %}
    {% if add_url %}<a class="button" href="{{ add_url }}">…</a>{% endif %}
"""

from django import template
from django.urls import resolve, reverse

from ancrage.kernel.access import AUTHENTICATED, PUBLIC, can

register = template.Library()


def allowed(user, url: str) -> bool:
    """Whether the table lets `user` through the view of `url` (deny when it declares no rule)."""
    rule = getattr(resolve(url).func, "access_rule", None)
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return False
    return rule == AUTHENTICATED or can(user, *rule)


@register.simple_tag(takes_context=True)
def url_if_allowed(context, view_name, *args, **kwargs):
    url = reverse(view_name, args=args, kwargs=kwargs)
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return url if allowed(user, url) else ""
