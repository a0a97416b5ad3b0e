"""The activity report to the préfet: counts per step, by EFOP territory, priority public, age
bracket and sex, and the delays between steps, for a period and the O2R services in the user's
scope. Everything that leaves the organisation goes through the disclosure control
(kernel.disclosure): `Report.published()`."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.insertion.models import (
    SITUATION_FIELDS,
    Accompaniment,
    Activity,
    Attendance,
    Barrier,
    Beneficiary,
    Contact,
    Eligibility,
    Exit,
    FollowUp,
    OutreachAction,
    PriorityPublic,
    Target,
    TraineeRemuneration,
)
from ancrage.kernel.calendar import age_on_sql
from ancrage.kernel.disclosure import FOOTNOTE, MASK, TOTAL, Table, protect
from ancrage.kernel.documents import render_pdf
from ancrage.kernel.exports import spreadsheet_row
from ancrage.organisation.models import EfopTerritory

AGE_BRACKETS = [
    ("under_26", gettext_lazy("Moins de 26 ans"), 0, 26),
    ("26_44", gettext_lazy("26 à 44 ans"), 26, 45),
    ("45_54", gettext_lazy("45 à 54 ans"), 45, 55),
    ("55_plus", gettext_lazy("55 ans et plus"), 55, 200),
]
# The rows of `Report.steps` that other tables cut again (their indexes).
STEP_CONTACTS, STEP_BENEFICIARIES, STEP_ACCOMPANIMENTS, STEP_EXITS = 2, 3, 5, 6
STEP_REMOBILISED, STEP_OVERRUNS = 4, 7
# A positive exit: a job (lasting or short), a training, or the ordinary network for employment.
POSITIVE_EXITS = [
    Exit.Reason.SUSTAINABLE_JOB,
    Exit.Reason.SHORT_JOB,
    Exit.Reason.TRAINING,
    Exit.Reason.MAINSTREAM,
]
# The agreement's targets (Target.Indicator, in order) and what each is compared with: the
# contacts (people met and recorded), the people remobilised, the accompaniments started, the
# positive exits of the period.
TARGET_STEPS = [STEP_CONTACTS, STEP_REMOBILISED, STEP_ACCOMPANIMENTS, None]


@dataclass
class Grid:
    """A table of the report's content beyond its first tables (remobilisation, accompaniments,
    départements, trainee pay, exits by reason and territory): rows of counts under column
    titles, with a total per row and/or per column. Before publication `rows` are the counts
    only; once read through the disclosure control (`read`) they carry their totals and every
    masked cell reads MASK. `extra`: a figure that follows each published row (the activities'
    hours), masked with the row's first cell, under the title `extra_title`."""

    name: str
    title: str
    corner: str  # the title of the rows' column
    columns: list
    rows: list  # [(label, count, ...)]
    row_totals: bool = True
    column_totals: bool = True
    extra: list | None = None  # one per row, and one for the total row
    extra_title: str = ""

    def table(self, key) -> Table:
        return Table(
            key,
            [row[0] for row in self.rows],
            [str(c) for c in self.columns],
            [list(row[1:]) for row in self.rows],
            row_totals=self.row_totals,
            column_totals=self.column_totals,
        )

    def read(self, shown: list) -> Grid:
        """The grid as published: `shown` is `Publication.grid` of its table."""
        labels = [row[0] for row in self.rows] + ([_("Total")] if self.column_totals else [])
        rows = [(label, *cells) for label, cells in zip(labels, shown, strict=True)]
        if self.extra is not None:
            rows = [
                (*row, MASK if row[1] == MASK else extra)
                for row, extra in zip(rows, self.extra, strict=True)
            ]
        return replace(self, rows=rows)

    def header(self) -> list:
        """The published grid's column titles, the rows' first."""
        return [
            self.corner,
            *[_("Non renseigné") if c is None else c for c in self.columns],
            *([_("Total")] if self.row_totals else []),
            *([self.extra_title] if self.extra is not None else []),
        ]

    def aligned(self, rows=None, columns=None) -> Grid:
        """The grid with the rows (labels) and columns (titles) of another report, zeros where
        this one has none (a member's grid on the programme's)."""
        have = {row[0]: list(row[1:]) for row in self.rows}
        old = list(self.columns)
        rows = [row[0] for row in self.rows] if rows is None else rows
        columns = old if columns is None else columns
        zeros = [0] * len(old)
        out = [
            (
                label,
                *[have.get(label, zeros)[old.index(c)] if c in old else 0 for c in columns],
            )
            for label in rows
        ]
        return replace(self, rows=out, columns=list(columns))


@dataclass
class Report:
    start: date
    end: date
    steps: list  # (label, count)
    exits: list  # (label, count)
    territories: list  # (name, contacts, beneficiaries, accompaniments, exits)
    priority: list  # (label, count)
    ages: list  # (label, female, male, unknown, total)
    delays: list  # (label, median days, number of people)
    # The active file: people who entered before the period, accompanied or leaving during it.
    active_territories: list = field(default_factory=list)  # (name, people)
    active_ages: list = field(default_factory=list)  # as `ages`
    exits_entrants: list = field(default_factory=list)  # (label, count): entered in the period
    exits_active: list = field(default_factory=list)  # (label, count): the active file's
    # Targets vs achieved: (indicator, achieved) for each Target.Indicator; `goals` the
    # agreement year's targets (None: none entered; empty: the period is not an agreement year).
    targets: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    # The situation at entry (SITUATION_FIELDS): [(field, title, [(label, count)...])] for the
    # entrants and for the active file; each table's last row is its total.
    situation: list = field(default_factory=list)
    active_situation: list = field(default_factory=list)
    # The pathway's details: [(name, title, [(label, count)...])], the last row a total when the
    # table has one: outreach by mode, entrants by source, follow-ups at 3 and 6 months by
    # outcome, barriers identified and lifted by kind.
    pathway: list = field(default_factory=list)
    # The content tables (`Grid`, `content_tables`): remobilisation, accompaniments, départements,
    # trainee pay, exits by reason and territory; `departement_of` {territory name: code}.
    content: list = field(default_factory=list)
    departement_of: dict = field(default_factory=dict)
    masked_cells: int = 0  # once published: how many cells are masked (kernel.disclosure.MASK)
    footnote = FOOTNOTE

    def disclosure_tables(self, prefix=None) -> tuple[list[Table], list[list], list]:
        """The report's tables for the disclosure control, and the cells that count the same
        people in two of them (the same population cut two ways), and the cells that are the sum of
        others (the exits: the entrants' and the active file's). With a `prefix`, the tables'
        keys are (prefix, name): several reports protected together."""

        def key(name):
            return name if prefix is None else (prefix, name)

        tables = [
            Table.column(key("steps"), [lb for lb, _n in self.steps], [n for _l, n in self.steps]),
            Table.column(
                key("exits"), [lb for lb, _n in self.exits], [n for _l, n in self.exits], total=True
            ),
            Table(
                key("territories"),
                [row[0] for row in self.territories],
                ["contacts", "beneficiaries", "accompaniments", "exits"],
                [list(row[1:]) for row in self.territories],
                row_totals=False,
            ),
            Table.column(
                key("priority"), [lb for lb, _n in self.priority], [n for _l, n in self.priority]
            ),
            Table(
                key("ages"),
                [row[0] for row in self.ages],
                ["F", "M", "X"],
                [list(row[1:4]) for row in self.ages],
            ),
            Table.column(
                key("delays"), [row[0] for row in self.delays], [row[2] for row in self.delays]
            ),
        ]
        women = [label for label, _n in self.priority].index(PriorityPublic.WOMAN.label)
        links = [
            [(key("steps"), STEP_CONTACTS, 0), (key("territories"), TOTAL, 0)],
            [
                (key("steps"), STEP_BENEFICIARIES, 0),
                (key("territories"), TOTAL, 1),
                (key("ages"), TOTAL, TOTAL),
            ],
            # the consent-to-start delay covers every accompaniment started
            [
                (key("steps"), STEP_ACCOMPANIMENTS, 0),
                (key("territories"), TOTAL, 2),
                (key("delays"), 1, 0),
            ],
            [
                (key("steps"), STEP_EXITS, 0),
                (key("territories"), TOTAL, 3),
                (key("exits"), TOTAL, 0),
            ],
            [(key("priority"), women, 0), (key("ages"), TOTAL, 0)],
        ]
        reasons = [label for label, _n in self.exits]
        tables += [
            Table.column(
                key("active_territories"),
                [row[0] for row in self.active_territories],
                [row[1] for row in self.active_territories],
                total=True,
            ),
            Table(
                key("active_ages"),
                [row[0] for row in self.active_ages],
                ["F", "M", "X"],
                [list(row[1:4]) for row in self.active_ages],
            ),
            Table.column(
                key("exits_entrants"), reasons, [n for _l, n in self.exits_entrants], total=True
            ),
            Table.column(
                key("exits_active"), reasons, [n for _l, n in self.exits_active], total=True
            ),
        ]
        links.append([(key("active_territories"), TOTAL, 0), (key("active_ages"), TOTAL, TOTAL)])
        for part, rows, whole in (
            ("situation", self.situation, (key("steps"), STEP_BENEFICIARIES, 0)),
            ("active_situation", self.active_situation, (key("active_territories"), TOTAL, 0)),
        ):
            for name, _title, counts in rows:
                tables.append(
                    Table.column(
                        key(f"{part}_{name}"),
                        [lb for lb, _n in counts[:-1]],
                        [n for _l, n in counts[:-1]],
                        total=True,
                    )
                )
                # the same people as the entrants (or the active file), cut by their situation
                links.append([(key(f"{part}_{name}"), TOTAL, 0), whole])
        for name, _title, counts in self.pathway:
            totalled = name in PATHWAY_TOTALS
            rows = counts[:-1] if totalled else counts
            tables.append(
                Table.column(
                    key(f"pathway_{name}"),
                    [lb for lb, _n in rows],
                    [n for _l, n in rows],
                    total=totalled,
                )
            )
            if PATHWAY_TOTALS.get(name) is not None:
                links.append(
                    [(key(f"pathway_{name}"), TOTAL, 0), (key("steps"), PATHWAY_TOTALS[name], 0)]
                )
        tables += [grid.table(key(grid.name)) for grid in self.content]
        links += self.content_links(key)
        tables.append(
            Table.column(
                key("targets"), [lb for lb, _n in self.targets], [n for _l, n in self.targets]
            )
        )
        links += [
            [(key("targets"), row, 0), (key("steps"), step, 0)]
            for row, step in enumerate(TARGET_STEPS)
            if step is not None
        ]
        # every exit of the period is an entrant's or the active file's
        sums = [
            (
                (key("exits"), row, 0),
                [(key("exits_entrants"), row, 0), (key("exits_active"), row, 0)],
            )
            for row in [*range(len(reasons)), TOTAL]
        ]
        positive = [value for value, _label in Exit.Reason.choices if value in POSITIVE_EXITS]
        reason_rows = [value for value, _label in Exit.Reason.choices]
        sums.append(
            (
                (key("targets"), TARGET_STEPS.index(None), 0),
                [(key("exits"), reason_rows.index(value), 0) for value in positive],
            )
        )
        return tables, links, sums + self.content_sums(key)

    def content_links(self, key) -> list:
        """The content tables' cells that are cells of the first tables: the people remobilised
        (steps), the accompaniments started and overrun (steps), the exits by reason and by
        territory (the exits and the territories)."""
        names = {grid.name for grid in self.content}
        links = []
        if "remobilised" in names:
            links.append([(key("remobilised"), TOTAL, TOTAL), (key("steps"), STEP_REMOBILISED, 0)])
        if "accompaniments" in names:
            links += [
                [(key("accompaniments"), 0, TOTAL), (key("steps"), STEP_ACCOMPANIMENTS, 0)],
                [(key("accompaniments"), 3, TOTAL), (key("steps"), STEP_OVERRUNS, 0)],
            ]
        if "exits_by_territory" in names:
            cross = key("exits_by_territory")
            links += [[(cross, r, TOTAL), (key("exits"), r, 0)] for r in range(len(self.exits))]
            links.append([(cross, TOTAL, TOTAL), (key("exits"), TOTAL, 0)])
            # its columns are the territories' rows, in their order (build, _aligned)
            links += [
                [(cross, TOTAL, c), (key("territories"), c, 3)]
                for c in range(len(self.territories))
            ]
        return links

    def disclosure_bounds(self, prefix=None) -> list:
        """The cells that count some of the people another counts (`kernel.disclosure` bounds:
        (lesser cells, greater cells)), by the definitions an attacker reads in the report:
        accompaniments started, extended or past their limit are some of those running (each
        column); people paid, some of the paid periods' (one person, one accompaniment); barriers
        lifted, some of those identified (each kind); an entrant's exit, a new beneficiary's; an
        active file's exit or running accompaniment, someone of the active file; an entrant's
        running accompaniment, a new beneficiary's; each priority public, some of the new
        beneficiaries; a delay's people, some of its step's. Only the relations the figures
        satisfy are returned (a relation the data break is none an attacker can rely on)."""

        def key(name):
            return name if prefix is None else (prefix, name)

        beneficiaries = (key("steps"), STEP_BENEFICIARIES, 0)
        active_file = (key("active_territories"), TOTAL, 0)
        bounds = [
            ([(key("exits_entrants"), TOTAL, 0)], [beneficiaries]),
            ([(key("exits_active"), TOTAL, 0)], [active_file]),
            ([(key("delays"), 0, 0)], [beneficiaries]),
            ([(key("delays"), 2, 0)], [(key("steps"), STEP_EXITS, 0)]),
        ]
        bounds += [([(key("priority"), r, 0)], [beneficiaries]) for r in range(len(self.priority))]
        names = {grid.name for grid in self.content}
        if "accompaniments" in names:
            grid = key("accompaniments")
            # rows: started, running, extended, overrun; columns: entrants, active file
            for column in (0, 1):
                bounds += [([(grid, row, column)], [(grid, 1, column)]) for row in (0, 2, 3)]
            bounds += [
                ([(grid, 1, 0)], [beneficiaries]),
                ([(grid, 1, 1)], [active_file]),
            ]
        if "remunerations" in names:
            grid = key("remunerations")  # rows: people paid, paid periods
            bounds += [([(grid, 0, column)], [(grid, 1, column)]) for column in (0, 1)]
        pathway = {name: counts for name, _title, counts in self.pathway}
        if "barriers_identified" in pathway and "barriers_lifted" in pathway:
            bounds += [
                (
                    [(key("pathway_barriers_lifted"), r, 0)],
                    [(key("pathway_barriers_identified"), r, 0)],
                )
                for r in range(len(pathway["barriers_lifted"]))
            ]
        return bounds

    def content_sums(self, key) -> list:
        """Each département's cell is the sum of its EFOP territories' cells."""
        grid = next((g for g in self.content if g.name == "departements"), None)
        if grid is None:
            return []
        sums = []
        for r, row in enumerate(grid.rows):
            code = row[0]
            mine = [
                t for t, line in enumerate(self.territories) if self.departement_of[line[0]] == code
            ]
            active = [
                t
                for t, line in enumerate(self.active_territories)
                if self.departement_of[line[0]] == code
            ]
            sums += [
                ((key("departements"), r, c), [(key("territories"), t, c) for t in mine])
                for c in range(4)
            ]
            sums.append(
                ((key("departements"), r, 4), [(key("active_territories"), t, 0) for t in active])
            )
        return sums

    def read(self, publication, prefix=None) -> Report:
        """This report as `publication` lets it out; the territories and ages get their total
        row."""

        def grid(name):
            return publication.grid(name if prefix is None else (prefix, name))

        delays = [
            (label, MASK if shown == MASK else days, shown)
            for (label, days, _n), (shown,) in zip(self.delays, grid("delays"), strict=True)
        ]
        territory_names = [row[0] for row in self.territories] + [_("Total")]
        age_labels = [row[0] for row in self.ages] + [_("Total")]
        return Report(
            start=self.start,
            end=self.end,
            steps=[(label, n) for (label, _), (n,) in zip(self.steps, grid("steps"), strict=True)],
            exits=[(label, n) for (label, _), (n,) in zip(self.exits, grid("exits"), strict=False)],
            territories=(
                [
                    (name, *row)
                    for name, row in zip(territory_names, grid("territories"), strict=True)
                ]
                if self.territories
                else []
            ),
            priority=[
                (label, n) for (label, _), (n,) in zip(self.priority, grid("priority"), strict=True)
            ],
            ages=[(label, *row) for label, row in zip(age_labels, grid("ages"), strict=True)],
            delays=delays,
            active_territories=[
                (name, n)
                for name, (n,) in zip(
                    [row[0] for row in self.active_territories] + [_("Total")],
                    grid("active_territories"),
                    strict=True,
                )
            ],
            active_ages=[
                (label, *row) for label, row in zip(age_labels, grid("active_ages"), strict=True)
            ],
            exits_entrants=[
                (label, n)
                for (label, _), (n,) in zip(self.exits, grid("exits_entrants"), strict=False)
            ],
            exits_active=[
                (label, n)
                for (label, _), (n,) in zip(self.exits, grid("exits_active"), strict=False)
            ],
            targets=[
                (label, n) for (label, _), (n,) in zip(self.targets, grid("targets"), strict=True)
            ],
            goals=self.goals,
            situation=[
                (
                    name,
                    title,
                    [
                        (lb, n)
                        for (lb, _), (n,) in zip(counts, grid(f"situation_{name}"), strict=True)
                    ],
                )
                for name, title, counts in self.situation
            ],
            active_situation=[
                (
                    name,
                    title,
                    [
                        (lb, n)
                        for (lb, _), (n,) in zip(
                            counts, grid(f"active_situation_{name}"), strict=True
                        )
                    ],
                )
                for name, title, counts in self.active_situation
            ],
            pathway=[
                (
                    name,
                    title,
                    [
                        (lb, n)
                        for (lb, _), (n,) in zip(counts, grid(f"pathway_{name}"), strict=True)
                    ],
                )
                for name, title, counts in self.pathway
            ],
            content=[g.read(grid(g.name)) for g in self.content],
            departement_of=self.departement_of,
            masked_cells=len(publication.masked),
        )

    def progress(self) -> list:
        """(indicator, target, achieved, % of the target) for each target: the % only when both
        are known and the achieved count is published."""
        if not self.goals:
            return []
        rows = []
        for (label, achieved), goal in zip(self.targets, self.goals, strict=True):
            percent = (
                round(100 * achieved / goal)
                if goal and isinstance(achieved, int) and achieved != MASK
                else None
            )
            rows.append((label, goal, achieved, percent))
        return rows

    def situation_pairs(self) -> list:
        """[(title, [(label, entrants, active file)])] for each situation field."""
        return [
            (
                title,
                [(label, n, m) for (label, n), (_label, m) in zip(counts, active[2], strict=True)],
            )
            for (_name, title, counts), active in zip(
                self.situation, self.active_situation, strict=True
            )
        ]

    def published(self) -> Report:
        """The report as it may leave the organisation (kernel.disclosure: cells of 1 to 4
        people masked, and the fewest others so that no masked cell can be recomputed from the
        totals or the other tables)."""
        tables, links, sums = self.disclosure_tables()
        return self.read(protect(tables, links, sums, holding(tables, self.disclosure_bounds())))


@dataclass
class Consolidated:
    """A programme's report with a column per member: the members' reports and the programme's,
    all published together (each programme cell is the sum of its members')."""

    start: date
    end: date
    members: list  # the member organisations' names, lead first
    reports: list  # their published reports, in the same order
    programme: Report  # the programme's published report
    masked_cells: int = 0
    footnote = FOOTNOTE

    def columns(self) -> dict:
        """{table: [(label, [each member's count], the programme's)]} for the tables of (label,
        count) rows (steps, exits, priority) and the delays' counts."""
        out = {}
        for table in ("steps", "exits", "exits_entrants", "exits_active", "priority", "delays"):
            index = 2 if table == "delays" else 1
            out[table] = [
                (row[0], [getattr(r, table)[i][index] for r in self.reports], row[index])
                for i, row in enumerate(getattr(self.programme, table))
            ]
        return out

    def progress(self) -> list:
        """[(member or "Programme", its targets vs achieved)] when the period is an agreement
        year."""
        titles = [*self.members, _("Programme")]
        reports = [*self.reports, self.programme]
        return [(t, r.progress()) for t, r in zip(titles, reports, strict=True) if r.goals]

    def situation_columns(self, attribute="situation") -> list:
        """[(title, [(label, [each member's count], the programme's)])] for each situation
        field, the entrants' ("situation") or the active file's ("active_situation")."""
        return [
            (
                title,
                [
                    (label, [getattr(r, attribute)[t][2][i][1] for r in self.reports], whole)
                    for i, (label, whole) in enumerate(counts)
                ],
            )
            for t, (_name, title, counts) in enumerate(getattr(self.programme, attribute))
        ]

    def pathway_columns(self) -> list:
        """[(title, [(label, [each member's count], the programme's)])] for each pathway table."""
        return [
            (
                title,
                [
                    (label, [r.pathway[t][2][i][1] for r in self.reports], whole)
                    for i, (label, whole) in enumerate(counts)
                ],
            )
            for t, (_name, title, counts) in enumerate(self.programme.pathway)
        ]

    def active_situation_columns(self) -> list:
        return self.situation_columns("active_situation")

    def content_columns(self) -> list:
        """[(grid, [(row label, column title, [each member's cell], the programme's)])] for each
        content table: one line per cell, a column per member (the tables are aligned)."""
        out = []
        for t, grid in enumerate(self.programme.content):
            titles = grid.header()[1:]
            lines = [
                (row[0], titles[j], [r.content[t].rows[i][j + 1] for r in self.reports], cell)
                for i, row in enumerate(grid.rows)
                for j, cell in enumerate(row[1:])
            ]
            out.append((grid, lines))
        return out

    def sections(self) -> dict:
        """{table: [(title, rows)]}: per member then the programme, territories and ages."""
        titles = [*self.members, _("Programme")]
        reports = [*self.reports, self.programme]
        return {
            table: [(t, getattr(r, table)) for t, r in zip(titles, reports, strict=True)]
            for table in ("territories", "ages", "active_territories", "active_ages")
        }


def _aligned(report: Report, names: list, departement_of: dict) -> Report:
    """The report with a territory row for each of `names` (zeros where it has none), its
    département and exits-by-territory tables on the same territories."""
    rows = {row[0]: row for row in report.territories}
    report.territories = [rows.get(name, (name, 0, 0, 0, 0)) for name in names[0]]
    active = dict(report.active_territories)
    report.active_territories = [(name, active.get(name, 0)) for name in names[1]]
    report.departement_of = departement_of
    report.content = [
        departement_grid(report.territories, report.active_territories, departement_of)
        if grid.name == "departements"
        else grid.aligned(columns=names[0])
        if grid.name == "exits_by_territory"
        else grid
        for grid in report.content
    ]
    return report


def member_reports(members, start: date, end: date, programme=None) -> tuple[list[Report], Report]:
    """The figures (not yet published) of each member ((name, service ids)) and of the
    programme, the members' territories aligned on the programme's."""
    parts = [build(ids, start, end, programme=programme) for _name, ids in members]
    whole = build(sorted(i for _name, ids in members for i in ids), start, end, programme=programme)
    names = [row[0] for row in whole.territories], [row[0] for row in whole.active_territories]
    return [_aligned(part, names, whole.departement_of) for part in parts], whole


def member_sums(tables, members: int) -> list:
    """(programme cell, its members' cells) for every cell of the "programme" tables that is
    the sum of its members' (keys (k, name) for member k, ("programme", name))."""
    values = {}
    for table in tables:
        values.update(table.cells())
    sums = []
    for ref in values:
        (prefix, name), row, column = ref
        if prefix != "programme":
            continue
        pieces = [((k, name), row, column) for k in range(members)]
        # Only where the programme's count is the members' sum (a person attending another
        # member's activity is remobilised once in the programme, once in each member).
        if all(p in values for p in pieces) and values[ref] == sum(values[p] for p in pieces):
            sums.append((ref, pieces))
    return sums


def member_bounds(tables, members: int) -> list:
    """Where a programme cell is not its members' sum (a person remobilised by two members'
    activities is one person of the programme): it is at most their sum, and each member's
    cell at most it."""
    values = {}
    for table in tables:
        values.update(table.cells())
    bounds = []
    for ref in values:
        (prefix, name), row, column = ref
        if prefix != "programme":
            continue
        pieces = [((k, name), row, column) for k in range(members)]
        if all(p in values for p in pieces) and values[ref] != sum(values[p] for p in pieces):
            bounds.append(([ref], pieces))
            bounds += [([piece], [ref]) for piece in pieces]
    return bounds


def holding(tables, bounds) -> list:
    """The bounds ((lesser cells, greater cells)) the tables' figures satisfy."""
    values = {}
    for table in tables:
        values.update(table.cells())
    return [
        (lesser, greater)
        for lesser, greater in bounds
        if all(ref in values for ref in [*lesser, *greater])
        and sum(values[ref] for ref in lesser) <= sum(values[ref] for ref in greater)
    ]


def consolidated_disclosure(parts: list, whole: Report) -> tuple[list, list, list, list]:
    """The members' reports and the programme's as one set for `kernel.disclosure.protect`:
    (tables, links, sums, bounds); the programme's cells the sum of their members' where they
    are (`member_sums`), bounded by them where they are not (`member_bounds`)."""
    tables, links, sums, bounds = [], [], [], []
    for prefix, report in [*enumerate(parts), ("programme", whole)]:
        t, lk, sm = report.disclosure_tables(prefix)
        tables += t
        links += lk
        sums += sm
        bounds += report.disclosure_bounds(prefix)
    sums += member_sums(tables, len(parts))
    bounds += member_bounds(tables, len(parts))
    return tables, links, sums, holding(tables, bounds)


def build_consolidated(members, start: date, end: date, programme=None) -> Consolidated:
    """The programme's report for `members` ((name, service ids), lead first): one report per
    member and the programme's, counts only (never a person), protected together."""
    parts, whole = member_reports(members, start, end, programme=programme)
    publication = protect(*consolidated_disclosure(parts, whole))
    return Consolidated(
        start=start,
        end=end,
        members=[name for name, _ids in members],
        reports=[part.read(publication, k) for k, part in enumerate(parts)],
        programme=whole.read(publication, "programme"),
        masked_cells=len(publication.masked),
    )


def bracket_of(age) -> str | None:
    """The key of the age bracket (AGE_BRACKETS) of an age in years; None when unknown."""
    if age is None:
        return None
    for key, _label, low, high in AGE_BRACKETS:
        if low <= age < high:
            return key
    return None


def median_of_counts(counts: dict[int, int]) -> int | None:
    """The median of the values `counts` holds ({value: how many times}), truncated to a whole
    number as `int(statistics.median(values))` would give; None when there is none."""
    total = sum(counts.values())
    if not total:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    seen, low = 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            return int((low + value) / 2)
    raise AssertionError("unreachable: the ranks are within the total")


def _days(later: str, earlier: str):
    """The duration between two date fields, in SQL (a timedelta once read)."""
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def build(service_ids, start: date, end: date, programme=None) -> Report:
    """The figures for the services, between start and end (both included), and for one
    programme when given (a service running two programmes reports on each apart: every record
    carries its programme).

    One grouped query per table: each returns its rows per territory (and age and sex, or
    reason, or delay in days: a few hundred rows whatever the number of people), and every
    table of the report is summed from them here."""
    in_period = {"service_id__in": service_ids}
    # The records of the programme: each carries it (its own, or its beneficiary's).
    mine = {} if programme is None else {"programme": programme}
    theirs = {} if programme is None else {"beneficiary__programme": programme}
    in_period.update(mine)
    outreach = OutreachAction.objects.filter(**in_period, date__range=(start, end)).aggregate(
        actions=Count("pk"), met=Sum("people_met")
    )
    by_territory = {}

    def territory(name):
        return by_territory.setdefault(name, [0, 0, 0, 0])

    contact_count = 0
    for name, n in (
        Contact.objects.filter(**in_period, met_on__range=(start, end))
        .values_list("efop_territory__name")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        territory(name)[0] += n
        contact_count += n

    beneficiaries = Beneficiary.objects.filter(**in_period, consent_on__range=(start, end))
    beneficiary_count = 0
    flags = dict.fromkeys(PriorityPublic.values, 0)
    ages = {bracket[0]: {"F": 0, "M": 0, "X": 0} for bracket in AGE_BRACKETS}
    unknown_age = {"F": 0, "M": 0, "X": 0}
    # One reference date for the age table and the age flags: the consent date (the flags are
    # derived on it by the eligibility check); "Femme" is read from the recorded sex, the
    # column the age table splits by, so that the two tables cannot disagree.
    stored = [flag for flag in flags if flag != PriorityPublic.WOMAN]
    rows = (
        beneficiaries.annotate(age=age_on_sql("person__birth_date", "consent_on"))
        .values("efop_territory__name", "age", "person__sex")
        .annotate(
            n=Count("pk"),
            **{f"flag_{flag}": Count("pk", filter=Q(**{flag: True})) for flag in stored},
        )
        .order_by()
    )
    for row in rows:
        n = row["n"]
        beneficiary_count += n
        territory(row["efop_territory__name"])[1] += n
        for flag in stored:
            flags[flag] += row[f"flag_{flag}"]
        age = row["age"]
        key = bracket_of(None if age is None else int(age))
        sex = row["person__sex"]
        if sex == "F":
            flags[PriorityPublic.WOMAN] += n
        (ages[key] if key else unknown_age)[sex if sex in ("F", "M") else "X"] += n

    # The people with at least one attendance at an activity of the period, on or after their
    # consent: a semi-join driven by the period's attendances (each person counted once, without
    # reading the programme's other beneficiaries); and the accompaniments of the services that
    # ran past their limit (9 months, or the extension's end) on a day of the period: the exit
    # dated after the limit, or still open after it (one accompaniment per person).
    attendees = Attendance.objects.filter(
        activity__service_id__in=service_ids,
        activity__date__range=(start, end),
        **({} if programme is None else {"activity__programme": programme}),
        activity__date__gte=F("beneficiary__consent_on"),
    ).values("beneficiary_id")
    remobilised = Beneficiary.objects.filter(**mine, pk__in=attendees).count()
    overruns = Accompaniment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start, end_date__gt=F("limit_date")),
        beneficiary__service_id__in=service_ids,
        limit_date__lt=end,
        **theirs,
    ).count()

    accompaniment_count, consent_to_start = 0, {}
    for name, delay, n in (
        Accompaniment.objects.filter(
            beneficiary__service_id__in=service_ids, start_date__range=(start, end), **theirs
        )
        .annotate(delay=_days("start_date", "beneficiary__consent_on"))
        .values_list("beneficiary__efop_territory__name", "delay")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        accompaniment_count += n
        territory(name)[2] += n
        consent_to_start[delay.days] = consent_to_start.get(delay.days, 0) + n

    exit_counts, start_to_exit = {}, {}
    for reason, name, delay, n in (
        Exit.objects.filter(
            beneficiary__service_id__in=service_ids, date__range=(start, end), **theirs
        )
        # No delay (NULL) for an exit without accompaniment: counted, not in the median.
        .annotate(delay=_days("date", "beneficiary__accompaniment__start_date"))
        .values_list("reason", "beneficiary__efop_territory__name", "delay")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        exit_counts[reason] = exit_counts.get(reason, 0) + n
        territory(name)[3] += n
        if delay is not None:
            start_to_exit[delay.days] = start_to_exit.get(delay.days, 0) + n

    steps = [
        (_("Actions de repérage"), outreach["actions"]),
        (_("Personnes rencontrées"), outreach["met"] or 0),
        (_("Contacts"), contact_count),
        (_("Nouveaux bénéficiaires"), beneficiary_count),
        (_("Personnes en remobilisation (au moins une activité)"), remobilised),
        (_("Accompagnements commencés"), accompaniment_count),
        (_("Sorties"), sum(exit_counts.values())),
        (_("Accompagnements au-delà de leur échéance (9 mois, 12 avec prolongation)"), overruns),
    ]
    exit_rows = [(label, exit_counts.get(value, 0)) for value, label in Exit.Reason.choices]
    territories = [
        (name, *counts)
        for name, counts in sorted(
            by_territory.items(), key=lambda item: (item[0] is None, item[0] or "")
        )
    ]
    priority = [(flag.label, flags[flag.value]) for flag in PriorityPublic]
    age_rows = [
        (label, ages[key]["F"], ages[key]["M"], ages[key]["X"], sum(ages[key].values()))
        for key, label, _low, _high in AGE_BRACKETS
    ]
    age_rows.append(
        (
            _("Âge inconnu"),
            unknown_age["F"],
            unknown_age["M"],
            unknown_age["X"],
            sum(unknown_age.values()),
        )
    )

    # From the first contact: a correlated subquery (one index probe per entrant, evaluated once:
    # the people without a contact, a NULL delay, are left out here), counted in SQL.
    first_contact = (
        Contact.objects.filter(beneficiary=OuterRef("pk")).order_by("met_on").values("met_on")[:1]
    )
    contact_to_consent = {}
    for delay, n in (
        beneficiaries.annotate(first=Subquery(first_contact))
        .annotate(delay=_days("consent_on", "first"))
        .values_list("delay")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if delay is not None:
            contact_to_consent[delay.days] = n
    delays = [
        (_("Du premier contact au consentement"), contact_to_consent),
        (_("Du consentement au début de l'accompagnement"), consent_to_start),
        (_("Du début de l'accompagnement à la sortie"), start_to_exit),
    ]
    delay_rows = [
        (label, median_of_counts(counts), sum(counts.values())) for label, counts in delays
    ]
    active = _active_file(service_ids, start, end, programme)
    exits_active = [(label, active["exits"].get(value, 0)) for value, label in Exit.Reason.choices]
    exits_entrants = [
        (label, n - m) for (label, n), (_label, m) in zip(exit_rows, exits_active, strict=True)
    ]
    return Report(
        start,
        end,
        steps,
        exit_rows,
        territories,
        priority,
        age_rows,
        delay_rows,
        active_territories=active["territories"],
        active_ages=active["ages"],
        exits_entrants=exits_entrants,
        exits_active=exits_active,
        situation=situation_tables(beneficiaries),
        **content_tables(service_ids, start, end, programme, territories, active["territories"]),
        pathway=pathway_tables(service_ids, start, end, programme, beneficiaries),
        active_situation=situation_tables(active["people"]),
        targets=[
            (
                label,
                steps[step][1]
                if step is not None
                else sum(exit_counts.get(value, 0) for value in POSITIVE_EXITS),
            )
            for (_value, label), step in zip(Target.Indicator.choices, TARGET_STEPS, strict=True)
        ],
    )


def _active_file(service_ids, start: date, end: date, programme=None) -> dict:
    """The active file: the people who entered (consent) before the period and were accompanied
    during it (an accompaniment running on one of its days) or left during it; by territory, by
    age at entry and sex, and their exits by reason."""
    mine = {} if programme is None else {"programme": programme}
    theirs = {} if programme is None else {"beneficiary__programme": programme}
    # Driven by the accompaniments running in the period and the period's exits (a union of two
    # bounded sets), not by everyone who ever entered before it.
    running = (
        Accompaniment.objects.filter(
            beneficiary__service_id__in=service_ids, start_date__lte=end, **theirs
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values("beneficiary_id")
    )
    leaving = Exit.objects.filter(
        beneficiary__service_id__in=service_ids, date__range=(start, end), **theirs
    ).values("beneficiary_id")
    people = (
        Beneficiary.objects.filter(service_id__in=service_ids, consent_on__lt=start, **mine)
        .filter(pk__in=running.union(leaving))
        .exclude(exit__date__lt=start)
    )
    by_territory = {}
    ages = {bracket[0]: {"F": 0, "M": 0, "X": 0} for bracket in AGE_BRACKETS}
    unknown_age = {"F": 0, "M": 0, "X": 0}
    for row in (
        people.annotate(age=age_on_sql("person__birth_date", "consent_on"))
        .values("efop_territory__name", "age", "person__sex")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        name = row["efop_territory__name"]
        by_territory[name] = by_territory.get(name, 0) + row["n"]
        age = row["age"]
        key = bracket_of(None if age is None else int(age))
        sex = row["person__sex"]
        (ages[key] if key else unknown_age)[sex if sex in ("F", "M") else "X"] += row["n"]
    exits = dict(
        Exit.objects.filter(
            beneficiary__service_id__in=service_ids,
            date__range=(start, end),
            beneficiary__consent_on__lt=start,
            **theirs,
        )
        .values_list("reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    age_rows = [
        (label, ages[key]["F"], ages[key]["M"], ages[key]["X"], sum(ages[key].values()))
        for key, label, _low, _high in AGE_BRACKETS
    ]
    age_rows.append(
        (
            _("Âge inconnu"),
            unknown_age["F"],
            unknown_age["M"],
            unknown_age["X"],
            sum(unknown_age.values()),
        )
    )
    territories = sorted(by_territory.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return {"territories": territories, "ages": age_rows, "exits": exits, "people": people}


WHEN = ("new", "before")


def hours(minutes: int) -> Decimal:
    """Minutes as hours, to the hundredth."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def content_tables(service_ids, start, end, programme, territories, active_territories) -> dict:
    """The content tables (`Report.content`) and the départements of the territories
    (`Report.departement_of`): one grouped query each, beside build's.

    - activities: the activities of the period by form, and their hours;
    - remobilised: the people present at an activity of the period after their consent, by the
      forms they attended (individual only, collective only, both: a partition, whose total is
      the step "remobilisation"), entrants (consent in the period) or entered before;
    - accompaniments: started in the period (the step), running on a day of it, extended (an
      extension decided by its end), past their limit (the step), for the entrants and the
      active file (consent before the period);
    - remunerations: the paid trainee periods running on a day of the period, and the people;
    - exits_by_territory: the exits of the period by reason and EFOP territory;
    - departements: the territories' table and the active file by département (sums of their
      territories' cells)."""
    mine = {} if programme is None else {"programme": programme}
    theirs = {} if programme is None else {"beneficiary__programme": programme}
    by_form = {
        form: (n, minutes or 0)
        for form, n, minutes in Activity.objects.filter(
            service_id__in=service_ids, date__range=(start, end), **mine
        )
        .values_list("format")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by()
    }
    forms = Activity.Format.choices
    minutes = [by_form.get(value, (0, 0))[1] for value, _label in forms]
    activities = Grid(
        "activities",
        _("Activités de remobilisation de la période, par forme"),
        _("Forme"),
        [_("Activités")],
        [(str(label), by_form.get(value, (0, 0))[0]) for value, label in forms],
        row_totals=False,
        extra=[hours(m) for m in minutes] + [hours(sum(minutes))],
        extra_title=_("Heures"),
    )

    def attended(form):
        # an uncorrelated semi-join: the period's attendances read once per form (a hashed
        # subplan), not probed person by person through their whole history
        return ExpressionWrapper(
            Q(
                pk__in=Attendance.objects.filter(
                    activity__service_id__in=service_ids,
                    activity__date__range=(start, end),
                    activity__format=form,
                    activity__date__gte=F("beneficiary__consent_on"),
                    **({} if programme is None else {"activity__programme": programme}),
                ).values("beneficiary_id")
            ),
            output_field=BooleanField(),
        )

    # One pass over the programme's people, each attendance test evaluated once per person (as
    # grouping keys), not once per counted cell.
    people = dict.fromkeys(
        [f"{part}_{when}" for part in ("individual", "collective", "both") for when in WHEN], 0
    )
    partition = {(True, False): "individual", (False, True): "collective", (True, True): "both"}
    for row in (
        Beneficiary.objects.filter(**mine)
        .values(
            alone=attended(Activity.Format.INDIVIDUAL),
            together=attended(Activity.Format.COLLECTIVE),
            new=ExpressionWrapper(Q(consent_on__gte=start), output_field=BooleanField()),
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        part = partition.get((bool(row["alone"]), bool(row["together"])))
        if part is not None:
            people[f"{part}_{'new' if row['new'] else 'before'}"] += row["n"]
    remobilised = Grid(
        "remobilised",
        _("Personnes en remobilisation, par forme des activités suivies"),
        _("Activités suivies"),
        [_("Entrants"), _("Entrés avant la période")],
        [
            (str(label), people[f"{part}_new"], people[f"{part}_before"])
            for part, label in (
                ("individual", _("Individuelles seulement")),
                ("collective", _("Collectives seulement")),
                ("both", _("Individuelles et collectives")),
            )
        ],
    )

    running = Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    kinds = {
        # the step's two definitions, word for word (linked to it)
        "started": Q(start_date__range=(start, end)),
        "running": running,
        "extended": running & Q(extended_on__isnull=False, extended_on__lte=end),
        "overrun": (Q(end_date__isnull=True) | Q(end_date__gte=start, end_date__gt=F("limit_date")))
        & Q(limit_date__lt=end),
    }
    entrant = Q(beneficiary__consent_on__gte=start)
    # only the accompaniments one of the counts can take (their union: the same counts)
    counts = (
        Accompaniment.objects.filter(beneficiary__service_id__in=service_ids, **theirs)
        .filter(kinds["started"] | kinds["running"] | kinds["overrun"])
        .aggregate(
            **{
                f"{kind}_{when}": Count(
                    "pk", filter=condition & (entrant if when == "new" else ~entrant)
                )
                for kind, condition in kinds.items()
                for when in ("new", "active")
            }
        )
    )
    accompaniments = Grid(
        "accompaniments",
        _("Accompagnements : commencés, en cours, prolongés, au-delà de leur échéance"),
        _("Accompagnements"),
        [_("Entrants"), _("File active")],
        [
            (str(label), counts[f"{kind}_new"], counts[f"{kind}_active"])
            for kind, label in (
                ("started", _("Commencés pendant la période")),
                ("running", _("En cours pendant la période")),
                ("extended", _("Prolongés au-delà de 9 mois")),
                ("overrun", _("Au-delà de leur échéance (9 mois, 12 avec prolongation)")),
            )
        ],
        column_totals=False,
    )

    entrant = Q(accompaniment__beneficiary__consent_on__gte=start)
    paid = TraineeRemuneration.objects.filter(
        accompaniment__beneficiary__service_id__in=service_ids,
        start_date__lte=end,
        end_date__gte=start,
        **({} if programme is None else {"accompaniment__beneficiary__programme": programme}),
    ).aggregate(
        people_new=Count("accompaniment", distinct=True, filter=entrant),
        people_active=Count("accompaniment", distinct=True, filter=~entrant),
        periods_new=Count("pk", filter=entrant),
        periods_active=Count("pk", filter=~entrant),
    )
    remunerations = Grid(
        "remunerations",
        _("Périodes rémunérées comme stagiaire de la formation professionnelle"),
        _("Rémunération"),
        [_("Entrants"), _("File active")],
        [
            (
                str(_("Personnes rémunérées pendant la période")),
                paid["people_new"],
                paid["people_active"],
            ),
            (
                str(_("Périodes de rémunération en cours")),
                paid["periods_new"],
                paid["periods_active"],
            ),
        ],
        column_totals=False,
    )

    names = [row[0] for row in territories]
    cross = {}
    for reason, name, n in (
        Exit.objects.filter(
            beneficiary__service_id__in=service_ids, date__range=(start, end), **theirs
        )
        .values_list("reason", "beneficiary__efop_territory__name")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        cross[reason, name] = n
    exits = Grid(
        "exits_by_territory",
        _("Sorties par motif et territoire EFOP"),
        _("Motif de sortie"),
        names,
        [
            (str(label), *[cross.get((value, name), 0) for name in names])
            for value, label in Exit.Reason.choices
        ],
    )

    # The territories are a settings table (a few dozen rows): read whole, one query always.
    departement_of = {None: _("Non renseigné")}
    departement_of.update(EfopTerritory.objects.values_list("name", "departement"))
    return {
        "content": [
            activities,
            remobilised,
            accompaniments,
            remunerations,
            departement_grid(territories, active_territories, departement_of),
            exits,
        ],
        "departement_of": departement_of,
    }


def departement_grid(territories, active_territories, departement_of) -> Grid:
    """The territories' table and the active file summed by département (`departement_of`)."""
    rows = {}
    for name, *counts in territories:
        row = rows.setdefault(departement_of[name], [0] * 5)
        for c, n in enumerate(counts):
            row[c] += n
    for name, n in active_territories:
        rows.setdefault(departement_of[name], [0] * 5)[4] += n
    unknown = departement_of[None]
    return Grid(
        "departements",
        _("Par département"),
        _("Département"),
        [_("Contacts"), _("Bénéficiaires"), _("Accompagnements"), _("Sorties"), _("File active")],
        [
            (code, *rows[code])
            for code in sorted(rows, key=lambda code: (code == unknown, str(code)))
        ],
        row_totals=False,
    )


# The pathway tables with a total row, and the step their total equals (None: a total of its own).
PATHWAY_TOTALS = {
    "outreach_kinds": 0,
    "outreach_people": 1,
    "sources": STEP_BENEFICIARIES,
    "follow_ups_3": None,
    "follow_ups_6": None,
}


def _rows(choices, counts, *, unknown=None, total=True) -> list:
    rows = [(str(label), counts.get(value, 0)) for value, label in choices]
    if unknown is not None:
        rows.append((str(unknown), counts.get(None, 0)))
    if total:
        rows.append((_("Total"), sum(n for _l, n in rows)))
    return rows


def pathway_tables(service_ids, start, end, programme, entrants) -> list:
    """The outreach by mode (actions, people met), the entrants by source, the follow-ups due in
    the period at 3 and 6 months by outcome (not yet recorded: "À faire"), the barriers of the
    accompaniments running in the period by kind, identified and lifted in it: one grouped query
    each."""
    mine = {} if programme is None else {"programme": programme}
    kinds, people = {}, {}
    for kind, n, met in (
        OutreachAction.objects.filter(service_id__in=service_ids, date__range=(start, end), **mine)
        .values_list("kind")
        .annotate(n=Count("pk"), met=Sum("people_met"))
        .order_by()
    ):
        kinds[kind], people[kind] = n, met or 0
    sources = dict(entrants.values_list("source").annotate(n=Count("pk")).order_by())
    follow_ups = {3: {}, 6: {}}
    for months, situation, n in (
        FollowUp.objects.filter(
            exit__beneficiary__service_id__in=service_ids,
            due_date__range=(start, end),
            **({} if programme is None else {"exit__beneficiary__programme": programme}),
        )
        .values_list("months", "situation")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if months in follow_ups:
            key = situation or None
            follow_ups[months][key] = follow_ups[months].get(key, 0) + n
    identified, lifted = {}, {}
    for kind, status, updated_on, n in (
        Barrier.objects.filter(
            accompaniment__beneficiary__service_id__in=service_ids,
            accompaniment__start_date__lte=end,
            **({} if programme is None else {"accompaniment__beneficiary__programme": programme}),
        )
        .filter(Q(accompaniment__end_date__isnull=True) | Q(accompaniment__end_date__gte=start))
        .values_list("kind", "status", "updated_on")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        identified[kind] = identified.get(kind, 0) + n
        if status == Barrier.Status.RESOLVED and start <= updated_on <= end:
            lifted[kind] = lifted.get(kind, 0) + n
    outcomes = FollowUp.Situation.choices
    return [
        (
            "outreach_kinds",
            _("Actions de repérage par mode"),
            _rows(OutreachAction.Kind.choices, kinds),
        ),
        (
            "outreach_people",
            _("Personnes rencontrées par mode de repérage"),
            _rows(OutreachAction.Kind.choices, people),
        ),
        (
            "sources",
            _("Nouveaux bénéficiaires par origine"),
            _rows(Beneficiary.Source.choices, sources),
        ),
        (
            "follow_ups_3",
            _("Suivis à 3 mois dus sur la période, par situation"),
            _rows(outcomes, follow_ups[3], unknown=_("À faire")),
        ),
        (
            "follow_ups_6",
            _("Suivis à 6 mois dus sur la période, par situation"),
            _rows(outcomes, follow_ups[6], unknown=_("À faire")),
        ),
        (
            "barriers_identified",
            _("Personnes accompagnées par frein repéré"),
            _rows(Barrier.Kind.choices, identified, total=False),
        ),
        (
            "barriers_lifted",
            _("Freins levés sur la période, par type"),
            _rows(Barrier.Kind.choices, lifted, total=False),
        ),
    ]


def situation_tables(people) -> list:
    """[(field, title, [(label, count)..., ("Total", n)])] for each situation field and the
    eligibility basis ("eligibility__basis"): one grouped query over the people's situations."""
    fields = [*SITUATION_FIELDS, "eligibility__basis"]
    counts = {name: {} for name in fields}
    total = 0
    for row in people.values(*fields).annotate(n=Count("pk")).order_by():
        total += row["n"]
        for name in fields:
            value = row[name] or ""  # no eligibility recorded: not known
            counts[name][value] = counts[name].get(value, 0) + row["n"]
    tables = []
    for name in fields:
        field_ = (
            Eligibility._meta.get_field("basis")
            if name == "eligibility__basis"
            else Beneficiary._meta.get_field(name)
        )
        rows = [(str(label), counts[name].get(value, 0)) for value, label in field_.choices]
        rows.append((_("Non renseigné"), counts[name].get("", 0)))
        rows.append((_("Total"), total))
        tables.append((name, str(field_.verbose_name).capitalize(), rows))
    return tables


def filename(report, extension: str) -> str:
    return f"rapport-o2r-{report.start.isoformat()}-{report.end.isoformat()}.{extension}"


TERRITORY_HEADER = [
    gettext_lazy("Territoire EFOP"),
    gettext_lazy("Contacts"),
    gettext_lazy("Bénéficiaires"),
    gettext_lazy("Accompagnements"),
    gettext_lazy("Sorties"),
]
AGE_HEADER = [
    gettext_lazy("Tranche d'âge"),
    gettext_lazy("Femmes"),
    gettext_lazy("Hommes"),
    gettext_lazy("Non renseigné"),
    gettext_lazy("Total"),
]


# The sheet (and CSV file) of each content table (an XLSX sheet's name: 31 characters, no ":").
CONTENT_SHEETS = {
    "activities": gettext_lazy("Remobilisation, activités"),
    "remobilised": gettext_lazy("Remobilisation, personnes"),
    "accompaniments": gettext_lazy("Accompagnements"),
    "remunerations": gettext_lazy("Rémunération de stagiaire"),
    "departements": gettext_lazy("Départements"),
    "exits_by_territory": gettext_lazy("Sorties par territoire"),
}


def tables_of(report) -> list:
    """[(title, header, rows)]: every table of the published report, as the exports write them."""
    if isinstance(report, Consolidated):
        members = [*report.members, _("Programme")]
        sectioned = [
            [(title, *([""] * 4)), *rows] for title, rows in report.sections()["territories"]
        ]
        aged = [[(title, *([""] * 4)), *rows] for title, rows in report.sections()["ages"]]
        sheets = [
            (_("Étapes"), [_("Étape"), *members], _flat(report.columns()["steps"])),
            (_("Sorties"), [_("Motif de sortie"), *members], _flat(report.columns()["exits"])),
            (_("Territoires"), TERRITORY_HEADER, [row for rows in sectioned for row in rows]),
            (
                _("Publics prioritaires"),
                [_("Public"), *members],
                _flat(report.columns()["priority"]),
            ),
            (_("Âge et sexe"), AGE_HEADER, [row for rows in aged for row in rows]),
            (
                _("File active"),
                [_("Territoire EFOP"), _("Personnes")],
                [
                    row
                    for title, rows in report.sections()["active_territories"]
                    for row in [(title, ""), *rows]
                ],
            ),
            (
                _("File active, âge et sexe"),
                AGE_HEADER,
                [
                    row
                    for title, rows in report.sections()["active_ages"]
                    for row in [(title, *([""] * 4)), *rows]
                ],
            ),
            (
                _("Sorties des entrants"),
                [_("Motif de sortie"), *members],
                _flat(report.columns()["exits_entrants"]),
            ),
            (
                _("Sorties file active"),
                [_("Motif de sortie"), *members],
                _flat(report.columns()["exits_active"]),
            ),
            (
                _("Délais"),
                [_("Délai"), *[_("Personnes : %(m)s") % {"m": m} for m in members]],
                _flat(report.columns()["delays"]),
            ),
        ]
    else:
        sheets = [
            (_("Étapes"), [_("Étape"), _("Nombre")], report.steps),
            (_("Sorties"), [_("Motif de sortie"), _("Nombre")], report.exits),
            (_("Territoires"), TERRITORY_HEADER, report.territories),
            (_("Publics prioritaires"), [_("Public"), _("Bénéficiaires")], report.priority),
            (_("Âge et sexe"), AGE_HEADER, report.ages),
            (_("File active"), [_("Territoire EFOP"), _("Personnes")], report.active_territories),
            (_("File active, âge et sexe"), AGE_HEADER, report.active_ages),
            (_("Sorties des entrants"), [_("Motif de sortie"), _("Nombre")], report.exits_entrants),
            (_("Sorties file active"), [_("Motif de sortie"), _("Nombre")], report.exits_active),
            (_("Délais"), [_("Délai"), _("Médiane (jours)"), _("Personnes")], report.delays),
        ]
    if isinstance(report, Consolidated):
        for title, columns in (
            (_("Situation des entrants"), report.situation_columns()),
            (_("Situation file active"), report.active_situation_columns()),
        ):
            sheets.append(
                (
                    title,
                    [_("Caractéristique"), _("Valeur"), *members],
                    [(t, *row) for t, rows in columns for row in _flat(rows)],
                )
            )
    else:
        sheets.append(
            (
                _("Situation"),
                [_("Caractéristique"), _("Valeur"), _("Entrants"), _("File active")],
                [(t, *row) for t, rows in report.situation_pairs() for row in rows],
            )
        )
    if isinstance(report, Consolidated):
        sheets += [
            (
                CONTENT_SHEETS[grid.name],
                [grid.corner, _("Colonne"), *members],
                [(label, column, *parts, whole) for label, column, parts, whole in lines],
            )
            for grid, lines in report.content_columns()
        ]
    else:
        sheets += [(CONTENT_SHEETS[g.name], g.header(), g.rows) for g in report.content]
    sheets.append(
        (
            _("Repérage, suivis, freins"),
            [
                _("Tableau"),
                _("Catégorie"),
                *(members if isinstance(report, Consolidated) else [_("Nombre")]),
            ],
            [(t, *row) for t, rows in report.pathway_columns() for row in _flat(rows)]
            if isinstance(report, Consolidated)
            else [(t, *row) for _n, t, rows in report.pathway for row in rows],
        )
    )
    sheets.append(
        (
            _("Objectifs"),
            [_("Membre"), _("Indicateur"), _("Objectif"), _("Réalisé"), _("Taux (%)")],
            [
                (title, label, goal, achieved, percent)
                for title, rows in progress_sections(report)
                for label, goal, achieved, percent in rows
            ],
        )
    )
    return sheets


def to_xlsx(report) -> bytes:
    """The published report (a `Report` or a `Consolidated` one) as a workbook, one sheet per
    table and a sheet of definitions, real dates, the masked cells' footnote under each table."""
    sheets = tables_of(report)
    # openpyxl is imported on the first export, not when the site starts.
    from openpyxl import Workbook

    book = Workbook()
    first = True
    for title, header, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = str(title)[:31]
        # Real dates, shown as dates; numbers stay numbers; a text never starts a formula.
        sheet.append([str(_("Période")), report.start, report.end])
        for cell in sheet[1][1:]:
            cell.number_format = "DD/MM/YYYY"
        sheet.append(spreadsheet_row([str(cell) for cell in header]))
        for row in rows:
            sheet.append(spreadsheet_row(row))
        sheet.append([])
        sheet.append(spreadsheet_row([str(FOOTNOTE)]))
        _widths(sheet, header, rows)
    sheet = book.create_sheet(str(_("Définitions")))
    sheet.append(spreadsheet_row([_("Indicateur"), _("Définition")]))
    for term, meaning in DEFINITIONS:
        sheet.append(spreadsheet_row([str(term), str(meaning)]))
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 110
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv_zip(report) -> bytes:
    """A ZIP of one CSV per table (UTF-8 with its mark, ";"), the period and the footnote in
    each, and the definitions."""
    import csv
    import io
    import zipfile

    from django.utils.text import slugify

    def encoded(rows) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        for row in rows:
            # a decimal number (hours) with the French decimal comma, as ";" files expect
            writer.writerow(
                [
                    str(cell).replace(".", ",") if isinstance(cell, Decimal) else cell
                    for cell in spreadsheet_row(row)
                ]
            )
        return out.getvalue().encode("utf-8-sig")

    period = [_("Période"), report.start.isoformat(), report.end.isoformat()]
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (title, header, rows) in enumerate(tables_of(report), 1):
            content = [period, [str(cell) for cell in header], *rows, [], [str(FOOTNOTE)]]
            archive.writestr(f"{n:02d}-{slugify(str(title))}.csv", encoded(content))
        archive.writestr(
            "definitions.csv",
            encoded(
                [[_("Indicateur"), _("Définition")], *[(str(t), str(d)) for t, d in DEFINITIONS]]
            ),
        )
    return out.getvalue()


def _widths(sheet, header, rows):
    """Each column as wide as its longest header or value (within reason)."""
    from openpyxl.utils import get_column_letter

    for index, title in enumerate(header, 1):
        longest = max(
            [len(str(title))] + [len(str(row[index - 1])) for row in rows if len(row) >= index]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 70)


DEFINITIONS = [
    (
        gettext_lazy("Période"),
        gettext_lazy(
            "Une année de la convention ou un de ses trimestres, une année civile ou un de ses "
            "trimestres (dates incluses)."
        ),
    ),
    (
        gettext_lazy("Actions de repérage"),
        gettext_lazy("Actions « aller vers » menées pendant la période (travail de rue, etc.)."),
    ),
    (
        gettext_lazy("Personnes rencontrées"),
        gettext_lazy("Somme des personnes rencontrées déclarées sur ces actions."),
    ),
    (
        gettext_lazy("Contacts (personnes repérées)"),
        gettext_lazy("Personnes rencontrées et enregistrées pendant la période, même anonymes."),
    ),
    (
        gettext_lazy("Nouveaux bénéficiaires (entrants)"),
        gettext_lazy("Personnes dont le consentement à être suivies est daté de la période."),
    ),
    (
        gettext_lazy("Personnes en remobilisation"),
        gettext_lazy(
            "Bénéficiaires présents à au moins une activité de remobilisation de la période, "
            "après leur consentement."
        ),
    ),
    (
        gettext_lazy("Accompagnements commencés"),
        gettext_lazy(
            "Accompagnements de 9 mois (12 avec prolongation) commencés pendant la période."
        ),
    ),
    (
        gettext_lazy("Accompagnements au-delà de leur échéance"),
        gettext_lazy(
            "Accompagnements encore ouverts, ou fermés après leur échéance, un jour de la période."
        ),
    ),
    (
        gettext_lazy("File active"),
        gettext_lazy(
            "Personnes entrées avant la période, accompagnées pendant celle-ci ou sorties pendant."
        ),
    ),
    (
        gettext_lazy("Sortie positive"),
        gettext_lazy(
            "Emploi durable, emploi de courte durée, formation, inscription à France Travail, "
            "à la mission locale ou à Cap emploi."
        ),
    ),
    (
        gettext_lazy("Âge"),
        gettext_lazy("Âge à la date du consentement (une seule date de référence)."),
    ),
    (
        gettext_lazy("Délais"),
        gettext_lazy("Médiane en jours entre deux étapes, et nombre de personnes concernées."),
    ),
    (
        gettext_lazy("Objectif"),
        gettext_lazy(
            "Objectif annuel de la convention saisi par le chef de file, par membre ; celui du "
            "programme est la somme des membres. Le taux est le réalisé divisé par l'objectif."
        ),
    ),
    (
        gettext_lazy("Motif d'éligibilité"),
        gettext_lazy(
            "Motif retenu à la vérification de l'éligibilité : non inscrit à France Travail, "
            "inscrit sans accompagnement adapté, ou sans contact avec le réseau pour l'emploi "
            "depuis 5 mois. « Non renseigné » : éligibilité jamais vérifiée."
        ),
    ),
    (
        gettext_lazy("Activités de remobilisation, heures"),
        gettext_lazy(
            "Activités individuelles et collectives tenues pendant la période, et leur durée "
            "cumulée en heures décimales (une activité compte sa durée une fois, quel que soit "
            "le nombre de présents). Les heures d'une ligne masquée sont masquées."
        ),
    ),
    (
        gettext_lazy("Personnes en remobilisation, par forme"),
        gettext_lazy(
            "Bénéficiaires présents à au moins une activité de la période après leur "
            "consentement, selon qu'ils ont suivi des activités individuelles seulement, "
            "collectives seulement ou les deux ; entrants (consentement pendant la période) ou "
            "entrés avant la période. Le total est la ligne « Personnes en remobilisation » des "
            "étapes."
        ),
    ),
    (
        gettext_lazy("Accompagnements en cours"),
        gettext_lazy(
            "Accompagnements ouverts au moins un jour de la période (commencés au plus tard le "
            "dernier jour, pas terminés avant le premier)."
        ),
    ),
    (
        gettext_lazy("Accompagnements prolongés au-delà de 9 mois"),
        gettext_lazy(
            "Accompagnements en cours pendant la période dont la prolongation jusqu'à 12 mois "
            "a été décidée au plus tard le dernier jour de la période."
        ),
    ),
    (
        gettext_lazy("Rémunération de stagiaire"),
        gettext_lazy(
            "Périodes rémunérées comme stagiaire de la formation professionnelle (L5316-3, "
            "L6341-1) en cours au moins un jour de la période, et personnes concernées."
        ),
    ),
    (
        gettext_lazy("Département"),
        gettext_lazy(
            "Département du territoire EFOP de la personne (ou du contact) : chaque case est la "
            "somme des territoires du département."
        ),
    ),
    (
        gettext_lazy("Sorties par motif et territoire"),
        gettext_lazy(
            "Sorties de la période par motif et territoire EFOP ; dans le rapport consolidé, "
            "une colonne par membre du consortium."
        ),
    ),
    (gettext_lazy("s"), FOOTNOTE),
]


def _flat(rows):
    return [(label, *members, whole) for label, members, whole in rows]


def to_pdf(report, *, title: str, programme=None, period_label=None) -> bytes:
    """The published report as a PDF, rendered from its print template, with the programme's
    identity (call, lead and members, period) when given."""
    return render_pdf(
        "insertion/report_print.html",
        {
            "report": report,
            "title": title,
            "programme": programme,
            "period_label": period_label,
            "consolidated": isinstance(report, Consolidated),
            **charts(report),
        },
        stylesheet=settings.BASE_DIR / "static" / "ancrage" / "o2r-report-print.css",
    )


def charts(figures) -> dict:
    """The report's charts (the programme's figures in a consolidated report) and the targets vs
    achieved sections, for the page and the PDF: each chart with its title, its bars (the whole
    label, wrapped) and its figures, shown as a table beside it."""
    rows = figures.programme if isinstance(figures, Consolidated) else figures
    return {
        "charts": [
            chart("chart-steps", _("Étapes du parcours"), rows.steps),
            chart("chart-exits", _("Sorties par motif"), rows.exits),
            chart("chart-priority", _("Publics prioritaires"), rows.priority),
        ],
        "progress": progress_sections(figures),
    }


CHART_LABEL_CHARACTERS = 34  # a label's line, beside its bar (longer labels wrap, never cut)
CHART_LINE = 14  # the height of a label's line, in the drawing's units


def chart(chart_id: str, title: str, rows) -> dict:
    """A bar chart: {id, title, height, bars: [{lines, value, width, y, bar_y, text_y}], rows}.
    Every label is drawn whole, on as many lines as it needs."""
    bars_, y = [], 0
    for label, value, width in bars(rows):
        lines = textwrap.wrap(str(label), CHART_LABEL_CHARACTERS) or [""]
        height = max(len(lines) * CHART_LINE + 8, 24)
        middle = y + height // 2
        bars_.append(
            {
                "lines": [(y + 15 + k * CHART_LINE, line) for k, line in enumerate(lines)],
                "value": value,
                "width": width,
                "bar_y": middle - 7,
                "text_y": middle + 4,
            }
        )
        y += height
    return {"id": chart_id, "title": title, "height": y, "bars": bars_, "rows": rows}


def bars(rows, width=280):
    """(label, value, bar width) for a chart: masked or empty values get no bar."""
    numbers = [v for _label, v in rows if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    return [(label, v, int(width * v / top) if isinstance(v, int) else 0) for label, v in rows]


def goals_of(target) -> list:
    """A member's targets for the year, in Target.Indicator's order (None where not entered)."""
    return [
        getattr(target, indicator) if target is not None else None
        for indicator in Target.Indicator.values
    ]


def add_goals(figures, targets: dict, member_ids: list, own_id=None):
    """Put the agreement year's targets ({organisation id: Target}) beside the published figures:
    each member's, and the programme's (the sum of the members' entered ones)."""
    if isinstance(figures, Consolidated):
        each = [goals_of(targets.get(pk)) for pk in member_ids]
        for part, goals in zip(figures.reports, each, strict=True):
            part.goals = goals
        figures.programme.goals = [
            None if all(g[i] is None for g in each) else sum(g[i] or 0 for g in each)
            for i in range(len(Target.Indicator.values))
        ]
    else:
        figures.goals = goals_of(targets.get(own_id))
    return figures


def progress_sections(figures) -> list:
    """[(title, targets vs achieved rows)]: per member then the programme, or the service's."""
    if isinstance(figures, Consolidated):
        return figures.progress()
    rows = figures.progress()
    return [(_("Votre service"), rows)] if rows else []
