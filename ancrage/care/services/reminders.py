"""The daily reminder: each responsible staff member gets, once a day, the list of their
deadlines that are overdue or due within N days. The e-mail names children by their
pseudonymous reference only; the échéancier behind the login shows the rest."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ancrage.care.models import DeadlineReminder
from ancrage.care.queries.deadlines import collect
from ancrage.care.services.deadlines import Status
from ancrage.kernel import calendar
from ancrage.organisation.models import Establishment
from ancrage.placements.models import Stay


def reminder_rows(today: date, days: int):
    """Per responsible user, their overdue deadlines and those due within `days` days."""
    stays = Stay.objects.current(today).filter(unit__establishment__kind=Establishment.Kind.VILLAGE)
    horizon = calendar.add_days(today, days)
    per_user = defaultdict(list)
    for row in collect(stays, today):
        if row.responsible is None or not row.responsible.is_active:
            continue
        if row.status == Status.OVERDUE or (
            row.status == Status.DUE and row.deadline.due <= horizon
        ):
            per_user[row.responsible].append(row)
    return per_user


def message_for(rows, today: date) -> str:
    lines = [
        ngettext(
            "Bonjour,\n\nVous êtes responsable de %(n)s échéance à suivre :",
            "Bonjour,\n\nVous êtes responsable de %(n)s échéances à suivre :",
            len(rows),
        )
        % {"n": len(rows)},
        "",
    ]
    for row in rows:
        state = _("EN RETARD") if row.status == Status.OVERDUE else _("à faire")
        lines.append(
            f"- {row.deadline.due:%d/%m/%Y} · {state} · {row.deadline.kind_label} · "
            f"{row.child.reference} ({row.house.name})"
        )
    lines += ["", _("Le détail est dans l'échéancier d'Ancrage."), ""]
    return "\n".join(str(line) for line in lines)


def send_deadline_reminders(today: date, days: int = 14) -> int:
    """Send today's reminders; a user already reminded today is skipped. Returns how many
    e-mails went out."""
    sent = 0
    for user, rows in reminder_rows(today, days).items():
        if not user.email:
            continue
        try:
            with transaction.atomic():
                DeadlineReminder.objects.create(user=user, sent_on=today, count=len(rows))
                send_mail(
                    ngettext(
                        "Ancrage : %(n)s échéance à suivre",
                        "Ancrage : %(n)s échéances à suivre",
                        len(rows),
                    )
                    % {"n": len(rows)},
                    message_for(rows, today),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent
