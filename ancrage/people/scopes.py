"""How a person enters a user's scope. `people` knows only the person's own file; the apps above
it know the other ways (a stay in a house, an admission request, an O2R file...) and register
them here from their `AppConfig.ready()`, so the arrow points from them to `people`.

A provider is called with the user and their `Reach` for ("person", "view") and returns a queryset
of person ids (`.values(...)` of one column), or None when it adds nobody:

- `register_followed_children`: children followed by the user; their relatives (family links)
  and their brothers and sisters (sibling groups) enter the scope with them;
- `register_persons`: persons who enter alone (no relative comes with them).

`register_hidden_persons(provider)` works the other way: `provider(user)` returns the ids of
persons kept out of the user's scope whatever brought them in (`privacy`: archived files, unless
the user opened one with a written reason; anonymised files).
"""

from collections.abc import Callable

Provider = Callable[..., object]

_followed_children: list[Provider] = []
_persons: list[Provider] = []
_hidden: list[Provider] = []


def register_followed_children(provider: Provider) -> Provider:
    if provider not in _followed_children:
        _followed_children.append(provider)
    return provider


def register_persons(provider: Provider) -> Provider:
    if provider not in _persons:
        _persons.append(provider)
    return provider


def followed_children(user, reach) -> list:
    return [ids for p in _followed_children if (ids := p(user, reach)) is not None]


def persons(user, reach) -> list:
    return [ids for p in _persons if (ids := p(user, reach)) is not None]


def register_hidden_persons(provider: Provider) -> Provider:
    if provider not in _hidden:
        _hidden.append(provider)
    return provider


def hidden_persons(user) -> list:
    return [ids for p in _hidden if (ids := p(user)) is not None]


def registered() -> tuple:
    """Every provider registered, in order: the compiled person scope is kept per set of
    providers (`people.models.scope_key`), so one registered later, or a list replaced (a
    test's monkeypatch), never meets a scope compiled without it."""
    return (tuple(_followed_children), tuple(_persons), tuple(_hidden))
