"""Daily job: e-mail each responsible staff member their overdue and upcoming deadlines."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from ancrage.care.services.reminders import send_deadline_reminders
from ancrage.care.tasks import daily_deadline_reminders, next_run


class Command(BaseCommand):
    help = "Envoie à chaque responsable la liste de ses échéances en retard ou proches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=14, help="Horizon des échéances à venir (jours)."
        )
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--queue",
            action="store_true",
            help="Confier l'envoi à un worker (ancrage worker) au lieu de l'envoyer tout de suite.",
        )
        how.add_argument(
            "--schedule",
            action="store_true",
            help="Planifier l'envoi chaque jour à 6 h 30 par le worker (à lancer une seule fois).",
        )

    def handle(self, *args, days, queue, schedule, **options):
        if queue:
            daily_deadline_reminders.enqueue(days=days)
            self.stdout.write("Rappels confiés au worker.")
        elif schedule:
            at = next_run()
            daily_deadline_reminders.using(run_after=at).enqueue(days=days, reschedule=True)
            self.stdout.write(f"Rappels planifiés chaque jour, à partir du {at:%d/%m/%Y %H:%M}.")
        else:
            sent = send_deadline_reminders(timezone.localdate(), days)
            self.stdout.write(ngettext("%d rappel envoyé.", "%d rappels envoyés.", sent) % sent)
