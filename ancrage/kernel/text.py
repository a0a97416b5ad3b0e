"""Text helpers shared by every app: the normal form names are searched in."""

import re
import unicodedata

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
