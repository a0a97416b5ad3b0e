"""No module does its own date arithmetic: every count of days, months and years goes through
`ancrage.kernel.calendar` (docs/decisions.md, 2026-12-05). This test reads the source of
`ancrage/` and fails on a call to `relativedelta(...)` or on a `timedelta` counting days or weeks
(`timedelta(days=...)`, `timedelta(weeks=...)`, `timedelta(3)`) anywhere else than in the
calendar itself and the places listed below, each with its reason."""

import ast
from pathlib import Path

import ancrage

ROOT = Path(ancrage.__file__).resolve().parent
CALENDAR = "kernel/calendar.py"

ALLOWED = {
    # The demo seeder invents plausible dates around its anchor day ("some 20 to 120 days
    # later"): no legal count, and it must not depend on the rules it fills the database for.
    "demo/daily.py",
    "demo/o2r.py",
    "demo/ppe.py",
    "demo/safeguarding.py",
    "demo/seeding.py",
}


def _name(func) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def date_arithmetic(source: str) -> list[int]:
    """The lines of `source` that call relativedelta, or timedelta with days or weeks."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        counts_days = name == "timedelta" and (
            bool(node.args) or any(k.arg in ("days", "weeks") for k in node.keywords)
        )
        if name == "relativedelta" or counts_days:
            lines.append(node.lineno)
    return lines


def offenders() -> dict[str, list[int]]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative == CALENDAR or relative in ALLOWED or "/migrations/" in f"/{relative}":
            continue
        lines = date_arithmetic(path.read_text(encoding="utf-8"))
        if lines:
            found[relative] = lines
    return found


def test_no_module_does_its_own_date_arithmetic():
    assert offenders() == {}, (
        "Count dates with ancrage.kernel.calendar (add_days, add_months, add_years, birthday, "
        "age_on, last_day_before_age, add_hours, within_hours) instead of relativedelta or "
        "timedelta(days=...)."
    )


def test_every_allowed_file_exists_and_still_needs_its_place():
    """The allow-list only shrinks: a file that no longer counts dates itself leaves it."""
    for relative in sorted(ALLOWED):
        path = ROOT / relative
        assert path.exists(), relative
        assert date_arithmetic(path.read_text(encoding="utf-8")), (
            f"{relative} no longer does date arithmetic: remove it from ALLOWED"
        )


def test_the_scan_finds_each_form_of_date_arithmetic():
    source = (
        "from datetime import timedelta\n"
        "from dateutil.relativedelta import relativedelta\n"
        "a = day + relativedelta(months=1)\n"
        "b = day - timedelta(days=1)\n"
        "c = day + datetime.timedelta(weeks=2)\n"
        "d = day + timedelta(3)\n"
        "e = moment + timedelta(hours=48)\n"
        "f = calendar.add_days(day, 1)\n"
    )
    assert date_arithmetic(source) == [3, 4, 5, 6]


def test_the_calendar_is_where_the_arithmetic_lives():
    assert date_arithmetic((ROOT / CALENDAR).read_text(encoding="utf-8"))
