"""`ancrage seed --scale demo|moderate|large`: deterministic demo or benchmark data."""

import time

from django.core.management.base import BaseCommand, CommandError

from ancrage.demo.seeding import DEMO_ACCOUNTS, DEMO_PASSWORD, SCALES, seed
from ancrage.organisation.models import Organisation


class Command(BaseCommand):
    help = "Charge des données de démonstration (--scale demo) ou de volume (--scale large)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne fait rien si la base contient déjà des données.",
        )
        parser.add_argument("--quiet", action="store_true", help="Sans barre de progression.")

    def handle(self, *args, scale, if_empty, quiet, **options):
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("La base contient déjà des données : rien à charger.")
                self.print_accounts()
                return
            raise CommandError("La base contient déjà des données : utilisez une base vide.")
        started = time.monotonic()
        world = seed(scale, quiet=quiet)
        self.stdout.write(
            self.style.SUCCESS(
                f"Données « {scale} » chargées en {time.monotonic() - started:.1f} s."
            )
        )
        self.print_accounts(world.accounts)

    def print_accounts(self, accounts=None):
        self.stdout.write(f"\nComptes de démonstration (mot de passe pour tous : {DEMO_PASSWORD})")
        if accounts:
            for username, role, place in accounts:
                self.stdout.write(f"  {username:<22} {role:<42} {place}")
        else:
            for username, _first, _last, role in DEMO_ACCOUNTS:
                self.stdout.write(f"  {username:<22} {role.label}")
