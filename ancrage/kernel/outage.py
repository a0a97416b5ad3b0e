"""When a dependency is down: the health checks (liveness, readiness) and the French 503 page
shown during a database outage. Nothing here needs the database to answer."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.translation import gettext as _

# What a client (a browser, the load balancer) is told to wait before asking again, in seconds.
RETRY_AFTER = 30
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_outage(error: BaseException | None) -> bool:
    """Whether an error means the database cannot be reached (not a bug in a query)."""
    return isinstance(error, OUTAGE_ERRORS)


def outage_page() -> HttpResponse:
    """The French 503 page: a static template rendered without a request, so no context
    processor (navigation rights, messages, the user) touches the database."""
    response = HttpResponse(
        get_template("503.html").render({"retry_after": RETRY_AFTER}),
        status=503,
        content_type="text/html; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def database_problem() -> str | None:
    """None when the database answers a query; else what is wrong, in French."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except OUTAGE_ERRORS:
        # The broken connection is dropped, so the next request connects afresh.
        connections[DEFAULT_DB_ALIAS].close_if_unusable_or_obsolete()
        return _("base de données injoignable")
    return None


_migrations_applied = False


def migrations_problem() -> str | None:
    """None when every migration of this code is applied (remembered once true: the code's
    migrations do not change while the process runs)."""
    global _migrations_applied
    if _migrations_applied:
        return None
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return _("migrations non appliquées (ancrage migrate)")
    _migrations_applied = True
    return None


def queue_problem() -> str | None:
    """None when the task queue answers: always with the database backend (the database's own
    check covers it); with RQ, Redis must answer a PING."""
    if settings.TASK_BACKEND != "rq":
        return None
    import django_rq

    try:
        django_rq.get_connection("default").ping()
    except Exception:
        return _("file des tâches (Redis) injoignable")
    return None


def health_response(problems: list[str | None]) -> HttpResponse:
    problems = [problem for problem in problems if problem]
    if not problems:
        return HttpResponse("ok", content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        "\n".join(problems), status=503, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def liveness() -> HttpResponse:
    return health_response([database_problem()])


def readiness() -> HttpResponse:
    problem = database_problem()
    return health_response([problem, problem or migrations_problem(), queue_problem()])
