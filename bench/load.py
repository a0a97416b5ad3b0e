"""The load run: a real server (gunicorn, on loopback), 20 concurrent clients (locust, headless)
for 60 s over a mix of the existing pages; requests/s, median, p95 and errors into RESULTS.md.

    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/ancrage_bench

Steps, each bounded in time: (1) in a Django process on `<name>_<scale>`, write one session per
client user (heads of service of the first villages, logged in with a verified TOTP device, as
`django.contrib.auth.login` and django-otp's `login` would) and list their pages; (2) start
gunicorn on a free port of 127.0.0.1 with DEBUG off; (3) run locust headless with
bench/locustfile.py; (4) always stop gunicorn, then delete the sessions and the access events the
run wrote. Settings: ANCRAGE_DEMO=1 (production mode wants HTTPS, Secure cookies and collected
static files, none of which a loopback run has), DEBUG=0, the real second factor, a long random
SECRET_KEY shared by steps (1) and (2), CONN_MAX_AGE as deployed (README).

`--baseline COMMIT` serves the same database, sessions and client mix from an earlier commit too
(its files from `git archive`, run with this virtualenv and that commit's own server settings),
alternating with this code at each client count: the two columns compare within one run.
`--clients 20 50` runs each count in turn. gunicorn reads its settings from gunicorn.conf.py
(this code) or gets `--workers 3` (the deployment of the baseline commit); `--workers` and
`--threads` override them for this code.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from run import DEFAULT_DATABASE_URL, RESULTS, machine  # noqa: E402

START_MARK = "<!-- bench-load:start (written by bench/load.py) -->"
END_MARK = "<!-- bench-load:end -->"
SESSION_NAME = "bench-load"  # the TOTP device the sessions are verified with
# The clients' mean pause between two pages (bench/locustfile.py: `between(0.5, 1.5)`).
MEAN_PAUSE_S = 1.0


# In the Django process ----------------------------------------------------------------------


def prepare(clients: int, out: Path) -> None:
    """One session per head of service of the first `clients` villages (fewer at demo scale),
    with the URLs of their own village: children living there today, surnames to search."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ancrage.accounts.models import Membership
    from ancrage.kernel.access import Role
    from ancrage.kernel.models import AccessEvent
    from ancrage.organisation.models import Establishment
    from ancrage.placements.models import Stay

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")  # as bench/run.py: the state autovacuum would leave
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    heads = (
        Membership.objects.filter(
            role=Role.HEAD_OF_SERVICE,
            establishment__kind=Establishment.Kind.VILLAGE,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("establishment_id", "pk")
    )
    sessions, seen = [], set()
    for membership in heads:
        if membership.establishment_id in seen or len(sessions) >= clients:
            continue
        seen.add(membership.establishment_id)
        user, village = membership.user, membership.establishment_id
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name=SESSION_NAME, defaults={"confirmed": True}
        )
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        children = list(
            Stay.objects.current()
            .filter(unit__establishment_id=village)
            .order_by("child__reference")
            .values_list("child__reference", "child__last_name_key")[:20]
        )
        surnames = sorted({name for _ref, name in children})
        sessions.append(
            {
                "user": user.username,
                "cookie": store.session_key,
                "children": [f"/personnes/{ref}/" for ref, _name in children],
                # a whole surname, and what the field holds after three letters are typed
                "searches": surnames + sorted({name[:3] for name in surnames}),
                "board": f"/villages/{village}/",
                "waiting_list": f"/villages/{village}/admissions/",
                "visits": f"/villages/{village}/visites/",
                "deadlines": f"/villages/{village}/echeancier/",
                "incidents": f"/villages/{village}/signalements/",
            }
        )
    # O2R staff (one client in five): the O2R lead (beneficiary list and activity report) first,
    # then counsellors (beneficiary list only, their right), each with a verified session.
    o2r_staff = (
        Membership.objects.filter(
            role__in=[Role.O2R_LEAD, Role.O2R_COUNSELLOR], user__is_active=True
        )
        .select_related("user")
        .order_by("-role", "pk")  # "o2r_lead" sorts after "o2r_counsellor": the lead first
    )
    o2r_sessions, seen = [], set()
    for membership in o2r_staff:
        if membership.user_id in seen or len(o2r_sessions) >= max(1, clients // 5):
            continue
        seen.add(membership.user_id)
        user = membership.user
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name=SESSION_NAME, defaults={"confirmed": True}
        )
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        lead = membership.role == Role.O2R_LEAD
        o2r_sessions.append(
            {
                "user": user.username,
                "cookie": store.session_key,
                "beneficiaries": "/o2r/beneficiaires/",
                "report": "/o2r/rapport/" if lead else None,
            }
        )
    first_event = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    out.write_text(
        json.dumps(
            {
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "sessions": sessions,
                "o2r_sessions": o2r_sessions,
                "first_event": first_event,
            }
        )
    )


def cleanup(setup_file: Path) -> None:
    """Delete the run's sessions and the access events it wrote (one per person shown), so the
    next runs measure the same database."""
    import django

    django.setup()
    from django.contrib.sessions.models import Session

    from ancrage.kernel.models import AccessEvent

    setup = json.loads(setup_file.read_text())
    every = setup["sessions"] + setup.get("o2r_sessions", [])
    users = [s["user"] for s in every]
    Session.objects.filter(session_key__in=[s["cookie"] for s in every]).delete()
    AccessEvent.objects.filter(user__username__in=users, pk__gt=setup["first_event"]).delete()


def baseline_columns(out: Path) -> None:
    """Run with the baseline's code (its folder first on PYTHONPATH): the columns its models read
    that the database (migrated by this code) no longer has, as [table, column, type]."""
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        missing = []
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in tables:
                continue
            present = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            for field in model._meta.local_concrete_fields:
                if field.column not in present and field.db_type(connection):
                    missing.append([table, field.column, field.db_type(connection)])
    out.write_text(json.dumps(missing))


def alter_columns(columns_file: Path, add: bool) -> None:
    """Add the baseline's missing columns (nullable: this code never writes them), or drop them
    again after its run: the database is left as this code's migrations made it."""
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        for table, column, db_type in json.loads(columns_file.read_text()):
            table, column = connection.ops.quote_name(table), connection.ops.quote_name(column)
            if add:
                cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {db_type}")
            else:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}")


# In the parent process ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_step(step: str, env: dict, path: Path, clients: int = 1, cwd: Path = PROJECT_DIR):
    command = [sys.executable, __file__, "--step", step, "--file", str(path)]
    command += ["--clients", str(clients)]
    subprocess.run(command, env=env, cwd=cwd, check=True, timeout=300)


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url + "/compte/connexion/", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer within {seconds:.0f} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # gunicorn's master stops its workers on SIGTERM
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def percentile(histogram: dict[int, int], fraction: float) -> float:
    """From locust's response-time histogram ({milliseconds: count}, rounded as locust rounds)."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    rank, seen = fraction * total, 0
    for ms in sorted(histogram):
        seen += histogram[ms]
        if seen >= rank:
            return float(ms)
    return float(max(histogram))


def read_stats(json_file: Path, duration: float) -> list[dict]:
    """One row per page and one for all pages: requests, requests/s, median, p95, errors."""
    entries = json.loads(json_file.read_text())
    rows, everything = [], {}
    for entry in sorted(entries, key=lambda e: e["name"]):
        histogram = {int(float(k)): v for k, v in entry["response_times"].items()}
        for ms, n in histogram.items():
            everything[ms] = everything.get(ms, 0) + n
        rows.append((entry["name"], entry["num_requests"], entry["num_failures"], histogram))
    rows.append(
        (
            "",
            sum(r[1] for r in rows),
            sum(r[2] for r in rows),
            everything,
        )
    )
    return [
        {
            "name": name,
            "requests": requests,
            "rps": requests / duration,
            "median": percentile(histogram, 0.5),
            "p95": percentile(histogram, 0.95),
            "errors": errors,
        }
        for name, requests, errors, histogram in rows
    ]


def baseline_tree(commit: str) -> Path:
    """The files of `commit` (git archive) in a temporary folder: the server runs them with this
    virtualenv (the dependencies of b140e59 are a subset of today's)."""
    folder = Path(tempfile.mkdtemp(prefix=f"ancrage-{commit[:8]}-"))
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit],
        cwd=PROJECT_DIR,
        check=True,
        stdout=subprocess.PIPE,
        timeout=120,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average every 5 s while locust runs (the run's own share
    included): what the figures were measured under."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(5):
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict:
        values = self.samples or [os.getloadavg()[0]]
        return {"min": min(values), "mean": statistics.mean(values), "max": max(values)}


def describe_server(command: list, cwd: Path) -> str:
    """The worker settings a server ran with: its flags, or gunicorn.conf.py's values."""
    flags = " ".join(command[command.index("warning") + 1 :])
    config = cwd / "gunicorn.conf.py"
    if config.exists():
        values: dict = {}
        exec(compile(config.read_text(), str(config), "exec"), values)  # noqa: S102 (our file)
        settings = ", ".join(
            f"{name} {values[name]}"
            for name in ("workers", "threads", "worker_class")
            if name in values
        )
        flags = f"gunicorn.conf.py: {settings}" + (f"; {flags}" if flags else "")
    return flags or "gunicorn defaults"


def server_command(port: int, code: str, workers: int | None, threads: int | None) -> list:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "ancrage.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "30",
        "--log-level",
        "warning",
    ]
    if code == "current":
        # gunicorn.conf.py (in the working directory) holds the deployed settings.
        if workers:
            command += ["--workers", str(workers)]
        if threads:
            # gunicorn.conf.py gives a process as many connections as threads: keep it so
            command += ["--threads", str(threads), "--worker-connections", str(threads)]
    else:
        # The baseline as it was deployed (docs/deployment.md then: 3 sync workers).
        command += ["--workers", "3"]
    return command


def serve_and_load(
    env: dict,
    setup_file: Path,
    workdir: Path,
    server_cwd: Path,
    code: str,
    clients: int,
    duration: int,
    workers,
    threads,
) -> dict:
    """gunicorn started from `server_cwd` (this checkout, or the baseline's files), then locust
    against it; gunicorn always stopped."""
    port = free_port()
    server_env = dict(env)
    if server_cwd != PROJECT_DIR:
        # The baseline's package first on the path (this checkout is installed editable).
        server_env["PYTHONPATH"] = str(server_cwd)
        served = subprocess.run(
            [sys.executable, "-c", "import ancrage; print(ancrage.__file__)"],
            env=server_env,
            cwd=server_cwd,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            timeout=60,
        ).stdout.strip()
        if not served.startswith(str(server_cwd)):
            raise SystemExit(f"the baseline would serve {served}, not {server_cwd}")
    command = server_command(port, code, workers, threads)
    server = subprocess.Popen(command, env=server_env, cwd=server_cwd)
    try:
        host = f"http://127.0.0.1:{port}"
        wait_until_up(host, server)
        tag = f"{code}-{clients}"
        json_file, failures_file = workdir / f"locust-{tag}.json", workdir / f"failures-{tag}.txt"
        locust = [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(BENCH_DIR / "locustfile.py"),
            "--headless",
            "--users",
            str(clients),
            "--spawn-rate",
            str(clients),
            "--run-time",
            f"{duration}s",
            "--stop-timeout",
            "10",
            "--host",
            host,
            "--json-file",
            str(json_file.with_suffix("")),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        started = datetime.now(UTC)
        sampler = LoadSampler()
        sampler.start()
        done = subprocess.run(
            locust,
            env={
                **os.environ,
                "BENCH_LOAD_SESSIONS": str(setup_file),
                "BENCH_LOAD_FAILURES": str(failures_file),
            },
            cwd=PROJECT_DIR,
            timeout=duration + 120,
        )
        sampler.done.set()
        stats = read_stats(json_file, duration)
        failures = failures_file.read_text().splitlines() if failures_file.exists() else []
    finally:
        stop(server)
    return {
        "code": code,
        "server": describe_server(command, server_cwd),
        "started": started,
        "clients": clients,
        "stats": stats,
        "failures": failures,
        "load": sampler.summary(),
        "locust_exit": done.returncode,
    }


def load_run(
    base: str,
    scale: str,
    clients_counts: list[int],
    duration: int,
    workers: int | None,
    threads: int | None,
    baseline: str | None,
) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="ancrage-load-"))
    setup_file = workdir / "sessions.json"
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}_{scale}",
        "DJANGO_SETTINGS_MODULE": "ancrage.settings",
        "ANCRAGE_DEMO": "1",
        "ANCRAGE_RELAX_2FA": "0",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        # whitenoise looks for collected static files, which only production has.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }
    print(f"== load run, {scale}: {env['DATABASE_URL']}", file=sys.stderr, flush=True)
    baseline_dir = baseline_tree(baseline) if baseline else None
    django_step("prepare", env, setup_file, max(clients_counts))
    setup = json.loads(setup_file.read_text())
    runs = []
    columns_file = workdir / "baseline-columns.json"
    try:
        if baseline_dir:
            # The columns the baseline's models read that later migrations removed (two
            # booleans of the incidents since b140e59): added nullable for the run, then dropped.
            baseline_env = {**env, "PYTHONPATH": str(baseline_dir)}
            django_step("baseline-columns", baseline_env, columns_file, cwd=baseline_dir)
            print(f"   baseline columns: {columns_file.read_text()}", file=sys.stderr)
            django_step("add-columns", env, columns_file)
        for clients in clients_counts:
            sides = [("current", PROJECT_DIR)]
            if baseline_dir:
                sides.insert(0, ("baseline", baseline_dir))
            for code, cwd in sides:
                print(f"   {code}, {clients} clients", file=sys.stderr, flush=True)
                runs.append(
                    serve_and_load(
                        env, setup_file, workdir, cwd, code, clients, duration, workers, threads
                    )
                )
    finally:
        if columns_file.exists():
            django_step("drop-columns", env, columns_file)
        django_step("cleanup", env, setup_file, max(clients_counts))
    return {
        "scale": scale,
        "database": env["DATABASE_URL"].rsplit("/", 1)[-1],
        "sessions": len(setup["sessions"]),
        "o2r_sessions": len(setup.get("o2r_sessions", [])),
        "duration": duration,
        "baseline": baseline,
        "runs": runs,
    }


def report(scales: list[dict], host: str, command: str) -> str:
    first = scales[0]
    runs = first["runs"]
    lines = [
        f"Run of {runs[0]['started']:%Y-%m-%d %H:%M} UTC on {host}.",
        f"Command: `{command}`. gunicorn (`ancrage.wsgi`, 127.0.0.1, DEBUG off, real second "
        f"factor) and locust headless on the same machine, {first['duration']} s per line, "
        "each client logged in as the head of service of a village (sessions with a verified "
        "TOTP device), pausing 0.5 to 1.5 s between two pages of their own village (weights: "
        "home 2, search 3, child's page 3, board 2, waiting list 1, visits calendar 1, "
        "échéancier 1, incident list 1); one client in five is O2R staff instead (the O2R lead, "
        "then counsellors): beneficiary list 3, activity report 1 (the list's second page for "
        "a counsellor). The load average is the machine's (1 min), sampled every 5 s during "
        "the line.",
        "",
    ]
    for scale in scales:
        baseline = scale.get("baseline")
        lines += [
            f"**{scale['scale']}** (`{scale['database']}`, {scale['sessions']} village staff "
            f"sessions, {scale.get('o2r_sessions', 0)} O2R staff sessions)"
            + (
                f"; `baseline` is commit {baseline} served from `git archive`, alternating "
                "with this code on the same database and sessions:"
                if baseline
                else ":"
            ),
            "",
            "| code | server | clients | requests | requests/s | median (ms) | p95 (ms) | "
            "errors | load average (mean / max) |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for run in scale["runs"]:
            row = run["stats"][-1]
            load = run["load"]
            lines.append(
                f"| {run['code']} | {run['server']} | {run['clients']} | {row['requests']:,} | "
                f"{row['rps']:.1f} | {row['median']:.0f} | {row['p95']:.0f} | "
                f"{row['errors']} | {load['mean']:.1f} / {load['max']:.1f} |"
            )
        if baseline:
            lines.append("")
            for clients in dict.fromkeys(run["clients"] for run in scale["runs"]):
                pair = {r["code"]: r for r in scale["runs"] if r["clients"] == clients}
                if {"baseline", "current"} <= pair.keys():
                    before = pair["baseline"]["stats"][-1]["rps"]
                    after = pair["current"]["stats"][-1]["rps"]
                    # What the clients can ask at most, of a server that answers at once:
                    # each pauses MEAN_PAUSE_S on average between two pages. A server near it
                    # is not saturated: its ratio to the baseline is capped by the clients.
                    ceiling = clients / MEAN_PAUSE_S
                    lines.append(
                        f"- {clients} clients: {after:.1f} ÷ {before:.1f} requests/s = "
                        f"**{after / before:.2f}×** the baseline. {clients} clients pausing "
                        f"{MEAN_PAUSE_S:.0f} s on average ask at most {ceiling:.0f} requests/s "
                        f"of a server that answers at once: {after / ceiling:.0%} of that "
                        f"served by the current code, {before / ceiling:.0%} by the baseline."
                    )
        for run in scale["runs"]:
            lines += [
                "",
                f"Per page, {run['code']}, {run['clients']} clients:",
                "",
                "| page | requests | requests/s | median (ms) | p95 (ms) | errors |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
            ]
            for row in run["stats"]:
                label = row["name"] or "**all pages**"
                lines.append(
                    f"| {label} | {row['requests']:,} | {row['rps']:.1f} | "
                    f"{row['median']:.0f} | {row['p95']:.0f} | {row['errors']} |"
                )
            if run["failures"]:
                lines += ["", f"**{len(run['failures'])} errors** (must be 0):", ""]
                counted = {}
                for failure in run["failures"]:
                    counted[failure] = counted.get(failure, 0) + 1
                lines += [f"- {n} × {failure}" for failure, n in sorted(counted.items())]
        lines.append("")
    return "\n".join(lines).rstrip()


def write_results(text: str) -> None:
    block = f"{START_MARK}\n{text}\n{END_MARK}"
    content = RESULTS.read_text()
    if START_MARK in content and END_MARK in content:
        before, rest = content.split(START_MARK, 1)
        content = before + block + rest.split(END_MARK, 1)[1]
    else:
        # After the single-user table, before the dated sections.
        anchor = "<!-- bench:end -->"
        head, tail = content.split(anchor, 1) if anchor in content else (content, "")
        content = head + anchor + "\n\n## Load run\n\n" + block + "\n" + tail
    RESULTS.write_text(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--scales", nargs="+", default=["large"])
    parser.add_argument("--clients", type=int, nargs="+", default=[20])
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per worker (gunicorn.conf.py)")
    parser.add_argument(
        "--baseline", metavar="COMMIT", help="serve this commit too, alternating (e.g. b140e59)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, keep RESULTS.md")
    parser.add_argument(
        "--step",
        choices=["prepare", "cleanup", "baseline-columns", "add-columns", "drop-columns"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step == "prepare":
        prepare(args.clients[0], Path(args.file))
        return
    if args.step == "cleanup":
        cleanup(Path(args.file))
        return
    if args.step == "baseline-columns":
        baseline_columns(Path(args.file))
        return
    if args.step in ("add-columns", "drop-columns"):
        alter_columns(Path(args.file), add=args.step == "add-columns")
        return

    base = args.database_url or DEFAULT_DATABASE_URL
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/load.py needs PostgreSQL: --database-url postgres://…/ancrage_bench")
    host = machine()
    runs = [
        load_run(
            base, scale, args.clients, args.duration, args.workers, args.threads, args.baseline
        )
        for scale in args.scales
    ]
    extra = [a for a in sys.argv[1:] if a != "--database-url" and a != args.database_url]
    if os.environ.get("MAKELEVEL"):
        command = os.environ.get("BENCH_COMMAND", "make bench-load")
        command += f' BENCH_LOAD_ARGS="{" ".join(extra)}"' if extra else ""
    else:
        command = " ".join(["bench/load.py", *sys.argv[1:]])
    text = report(runs, host, command)
    print(text)
    if not args.no_write:
        write_results(text)
        print(f"\n→ {RESULTS.relative_to(PROJECT_DIR)}", file=sys.stderr)
    errors = sum(len(run["failures"]) for scale in runs for run in scale["runs"])
    if errors:
        sys.exit(f"load run: {errors} errors")


if __name__ == "__main__":
    main()
