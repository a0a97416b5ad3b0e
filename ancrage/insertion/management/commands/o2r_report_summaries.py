"""`ancrage o2r_report_summaries`: build again the O2R report summaries that writes made stale,
and build the current periods' summaries not stored yet; now, through a worker, or every
JOB_HOUSEKEEPING_SECONDS seconds."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from ancrage.insertion.summary import prebuild, refresh_stale
from ancrage.insertion.tasks import refresh_report_summaries
from ancrage.kernel.jobs import next_housekeeping


class Command(BaseCommand):
    help = (
        "Recalcule les synthèses du rapport d'activité O2R que des saisies ont périmées, et "
        "prépare celles des périodes en cours."
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
            refresh_report_summaries.enqueue()
            self.stdout.write("Recalcul des synthèses O2R confié au worker.")
        elif schedule:
            at = next_housekeeping()
            refresh_report_summaries.using(run_after=at).enqueue(reschedule=True)
            self.stdout.write(f"Recalcul des synthèses O2R planifié à partir de {at:%H:%M:%S}.")
        else:
            n = refresh_stale()
            self.stdout.write(
                ngettext("%d synthèse recalculée.", "%d synthèses recalculées.", n) % n
            )
            n = prebuild(timezone.localdate())
            self.stdout.write(
                ngettext(
                    "%d synthèse préparée pour les périodes en cours.",
                    "%d synthèses préparées pour les périodes en cours.",
                    n,
                )
                % n
            )
