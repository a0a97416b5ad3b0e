"""`ancrage rebuild_staff_standing`: write again from scratch the stored summary of every staff
entry that the homes' flags read (staff.standing), or, with --check, say how many entries'
stored summary differs from it (and fail if any does)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from ancrage.staff.standing import drift, rebuild


class Command(BaseCommand):
    help = (
        "Recalcule la synthèse enregistrée de chaque inscription au registre du personnel "
        "(attestation, formations) que lisent les alertes des accueils."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Vérifier seulement : échoue si une synthèse diffère du recalcul.",
        )

    def handle(self, *args, check, **options):
        if check:
            wrong = drift()
            if wrong:
                raise CommandError(
                    ngettext(
                        "%d inscription dont la synthèse diffère du recalcul.",
                        "%d inscriptions dont la synthèse diffère du recalcul.",
                        len(wrong),
                    )
                    % len(wrong)
                )
            self.stdout.write("Synthèses du registre du personnel exactes.")
            return
        n = rebuild()
        self.stdout.write(ngettext("%d synthèse recalculée.", "%d synthèses recalculées.", n) % n)
