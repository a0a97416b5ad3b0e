"""Daily job: e-mail each responsible staff member their overdue and upcoming deadlines."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ancrage.care.services.reminders import send_deadline_reminders


class Command(BaseCommand):
    help = "Envoie à chaque responsable la liste de ses échéances en retard ou proches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=14, help="Horizon des échéances à venir (jours)."
        )

    def handle(self, *args, days, **options):
        sent = send_deadline_reminders(timezone.localdate(), days)
        self.stdout.write(f"{sent} rappel(s) envoyé(s).")
