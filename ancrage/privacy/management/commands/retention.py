"""Nightly retention: purge the access log and the change audit by their rules, propose a dry
run to each organisation (approved on the runs page)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from ancrage.privacy.tasks import next_run, nightly_retention, retention_pass


class Command(BaseCommand):
    help = (
        "Purge le journal des consultations et l'historique selon leurs règles et propose une "
        "simulation du passage de conservation à chaque organisation."
    )

    def add_arguments(self, parser):
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--queue", action="store_true", help="Confier le passage à un worker (ancrage worker)."
        )
        how.add_argument(
            "--schedule",
            action="store_true",
            help="Planifier le passage chaque nuit à 3 h par le worker (à lancer une seule fois).",
        )

    def handle(self, *args, queue, schedule, **options):
        if queue:
            nightly_retention.enqueue()
            self.stdout.write("Passage confié au worker.")
        elif schedule:
            at = next_run()
            nightly_retention.using(run_after=at).enqueue(reschedule=True)
            self.stdout.write(f"Passage planifié chaque nuit, à partir du {at:%d/%m/%Y %H:%M}.")
        else:
            result = retention_pass()
            events, changes, proposed = (
                result["access_events"],
                result["changes"],
                result["proposed"],
            )
            self.stdout.write(
                ngettext("%d consultation supprimée", "%d consultations supprimées", events)
                % events
                + ", "
                + ngettext("%d modification supprimée", "%d modifications supprimées", changes)
                % changes
                + " ; "
                + ngettext("%d simulation proposée.", "%d simulations proposées.", proposed)
                % proposed
            )
