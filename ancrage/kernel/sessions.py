"""The idle timeout without a write per request: Django's database sessions, saved when their
data changes and otherwise at most once a minute.

A session dies after `SESSION_COOKIE_AGE` (30 minutes) without a request: its row's expiry is
pushed back when the session is saved. Django's `SESSION_SAVE_EVERY_REQUEST` saves it on every
request, an UPDATE (and its commit) for every page. Here a request saves an unchanged session
only when its expiry was last pushed back more than `REFRESH_AFTER` ago, so the row always
expires between 29 and 30 minutes after the user's last request: the timeout holds to within a
minute, with one write a minute per active user instead of one per page.

`SESSION_ENGINE = "ancrage.kernel.sessions"` (the store) and `SessionMiddleware` below in place
of Django's (settings.py).
"""

from datetime import timedelta

from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils import timezone

# An unchanged session is saved again once its stored expiry is this old.
REFRESH_AFTER = timedelta(seconds=60)


class SessionStore(db.SessionStore):
    """Django's database session store, keeping the expiry of the row it loaded."""

    stored_expiry = None  # the loaded row's `expire_date`; None before a load or without a row

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.stored_expiry = row.expire_date if row is not None else None
        return row

    async def _aget_session_from_db(self):
        row = await super()._aget_session_from_db()
        self.stored_expiry = row.expire_date if row is not None else None
        return row

    def needs_refresh(self) -> bool:
        """Whether the loaded row's expiry was pushed back more than `REFRESH_AFTER` ago: a
        save now would set it `get_expiry_age()` from now, and it is older than that by more
        than the allowance."""
        if self.stored_expiry is None:
            return False
        age = timedelta(seconds=self.get_expiry_age())
        return self.stored_expiry < timezone.now() + age - REFRESH_AFTER


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, saving an unchanged session only when its expiry needs
    pushing back (`SessionStore.needs_refresh`); a changed session is saved as always."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (
            isinstance(session, SessionStore)
            and session.accessed
            and not session.modified
            and session.needs_refresh()
        ):
            session.modified = True
        return super().process_response(request, response)
