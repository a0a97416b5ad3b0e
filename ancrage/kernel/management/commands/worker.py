"""`ancrage worker`: run a worker for the configured task backend (TASK_BACKEND)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ancrage.kernel.jobs import housekeeping


class Command(BaseCommand):
    help = (
        "Lance un worker des tâches de fond : celui de la base de données (TASK_BACKEND=database, "
        "par défaut) ou RQ sur Redis (TASK_BACKEND=rq)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Traiter les tâches en attente, puis s'arrêter (tests, cron).",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="S'arrêter après ce nombre de tâches."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Secondes entre deux regards sur une file vide (base de données).",
        )
        parser.add_argument("--name", default=None, help="Nom du worker (unique).")
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="RQ : exécuter chaque tâche dans le processus du worker (SimpleWorker) plutôt "
            "que dans un processus fils.",
        )
        parser.add_argument(
            "--with-scheduler",
            action="store_true",
            help="RQ : exécuter aussi les tâches planifiées (rappels quotidiens).",
        )

    def handle(
        self, *args, batch, max_tasks, interval, name, in_process, with_scheduler, **options
    ):
        verbosity = options["verbosity"]
        # The jobs of a worker that died, or whose task was lost, are taken up again; the files
        # whose time is up go (`ancrage job_housekeeping --schedule` does it every few minutes).
        housekeeping()
        if settings.TASK_BACKEND == "rq":
            rq_options = {"job_class": "django_tasks_rq.Job", "verbosity": verbosity}
            if batch:
                rq_options["burst"] = True
            if max_tasks:
                rq_options["max_jobs"] = max_tasks
            if name:
                rq_options["name"] = name
            if with_scheduler:
                rq_options["with_scheduler"] = True
            if in_process:
                rq_options["worker_class"] = "rq.worker.SimpleWorker"
            call_command("rqworker", *settings.TASKS["default"]["QUEUES"], **rq_options)
            return
        db_options = {
            "verbosity": verbosity,
            "interval": interval,
            "reload": False,
            "startup_delay": not batch,
            "queue_name": ",".join(settings.TASKS["default"]["QUEUES"]),
        }
        if batch:
            db_options["batch"] = True
        if max_tasks:
            db_options["max_tasks"] = max_tasks
        if name:
            db_options["worker_id"] = name[:64]
        call_command("db_worker", **db_options)
