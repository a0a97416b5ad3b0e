"""Text helpers shared by every app: the normal form names are searched in."""

import re
import unicodedata

from django.db.models.functions import Collate

_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`´.,;/_]+")


def search_key(text: str | None) -> str:
    """Lower-case, accent-free, with hyphens and apostrophes turned into single spaces:
    "Zoé-Hélène D'Aboville" -> "zoe helene d aboville". Used on both sides of a search."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ß", "ss").replace("æ", "ae").replace("œ", "oe")
    stripped = stripped.replace("Æ", "ae").replace("Œ", "oe")
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()


# French alphabetical order, accents and case folded ("Les Érables" between "Les Cèdres" and
# "Les Frênes"), done by the database: PostgreSQL's ICU collation of that name, and the same
# name registered on each SQLite connection (kernel/sqlite/base.py) with `french_compare`.
FRENCH_COLLATION = "fr-x-icu"


def by_name(*fields: str) -> list:
    """The `order_by` terms that sort names the French way: `qs.order_by(*by_name("name"))`.
    The one way to sort a list by a name."""
    return [Collate(field, FRENCH_COLLATION) for field in fields]


def french_compare(left: str | None, right: str | None) -> int:
    """SQLite's side of the French collation: accent- and case-free first, then as written."""
    a, b = (search_key(left), left or ""), (search_key(right), right or "")
    return (a > b) - (a < b)
