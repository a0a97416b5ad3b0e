"""`ancrage job_housekeeping`: take up the jobs of a dead worker and the jobs whose task was
lost, delete the files whose time is up; now, through a worker, or every few minutes."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from ancrage.kernel.jobs import housekeeping, job_housekeeping, next_housekeeping


class Command(BaseCommand):
    help = (
        "Relance les tâches de fond d'un worker arrêté et celles dont la file a été perdue, "
        "supprime les fichiers expirés."
    )

    def add_arguments(self, parser):
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--queue", action="store_true", help="Confier ce travail à un worker (cron)."
        )
        how.add_argument(
            "--schedule",
            action="store_true",
            help="Le faire faire par le worker toutes les JOB_HOUSEKEEPING_SECONDS secondes "
            "(à lancer une seule fois).",
        )

    def handle(self, *args, queue, schedule, **options):
        if queue:
            job_housekeeping.enqueue()
            self.stdout.write("Entretien des tâches confié au worker.")
        elif schedule:
            at = next_housekeeping()
            job_housekeeping.using(run_after=at).enqueue(reschedule=True)
            self.stdout.write(f"Entretien des tâches planifié à partir de {at:%H:%M:%S}.")
        else:
            done = housekeeping()
            n = done["stalled"], done["lost"], done["purged"]
            self.stdout.write(
                ngettext(
                    "%d tâche reprise après l'arrêt d'un worker",
                    "%d tâches reprises après l'arrêt d'un worker",
                    n[0],
                )
                % n[0]
                + ", "
                + ngettext("%d tâche remise en file", "%d tâches remises en file", n[1]) % n[1]
                + ", "
                + ngettext("%d fichier expiré supprimé.", "%d fichiers expirés supprimés.", n[2])
                % n[2]
            )
