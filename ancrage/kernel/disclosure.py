"""Statistical disclosure control: the one mechanism every count of people that leaves the
operator goes through (primary suppression of cells of 1 to 4, then the fewest secondary cells, so
that no masked cell can be recomputed from the published cells, totals and linked tables).

How to use it: describe each table (`Table`: rows, columns, counts, which totals it has), say which
cells of different tables are the same number (`links`: the same population cut two ways), which
are the sum of others (`sums`), which count a part of the people another counts (`bounds`: the
accompaniments started in the period are some of those running in it), call
`protect(tables, links, sums, bounds)`, and render `Publication.grid(key)`: every masked cell reads
`MASK` ("s") and the page or file carries `FOOTNOTE`. See docs/decisions.md ("Statistical
disclosure control").

The method: every cell (interior cells and totals) is a variable; each total is the sum of its
parts; linked cells are one variable; a cell that counts some of another's people is at most it
(an inequality the attacker knows from the definitions). A cell of 1 to 4 is masked (primary).
Zero is published: "nobody" does not single anyone out, and it is what the public statistics
do. The secondary cells come from a small integer programme solved by HiGHS: a binary per
non-zero cell (masked or published), minimising the number of masked cells (ties: the smaller
values), under one protection constraint per sensitive cell: there must be a table of
non-negative numbers, equal to the published ones where they are published, with every masked
cell at least 1 (zero would have been shown), consistent with every total, link and inequality,
in which the sensitive cell reaches 5 (a primary cell): so no primary cell is certainly under 5.
A secondary cell needs no constraint of its own: in a least solution each one is moved by some
primary cell's table (otherwise it could be published), so it is never pinned to one value. The
feasible set being convex and containing the true table, "such a table exists" is exactly "the
attacker's linear programme cannot exclude it". Each solution is then audited with the
attacker's own linear programmes (`intervals`); a masked cell still pinned (the solver's
tolerance) becomes sensitive (able to reach its value + 1) and the programme runs again."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

SMALL = 5  # a count of 1 to SMALL - 1 people is never published
MASK = "s"
FOOTNOTE = _(
    "s : secret statistique. Une case de 1 à 4 personnes est masquée, ainsi que les cases "
    "choisies pour qu'aucune case masquée ne puisse être retrouvée à partir des totaux ou des "
    "autres tableaux. Les zéros sont publiés."
)
TOTAL = None  # the row or column index of a total in a cell reference
# The integer programme runs when it is small enough (sensitive cells x non-zero cells, its
# deviation columns): a report's tables are. Above, a consolidated report's linked set, its root
# relaxation alone takes seconds, and the quick protection (`_greedy`) is the answer. A size
# rule and a node limit, never a time limit: the same tables always give the same masks (two
# different masks of one table, compared, would give cells away), whatever the machine's load.
EXACT_LIMIT = 4000
NODE_LIMIT = 200

Ref = tuple[Hashable, int | None, int | None]  # (table key, row or TOTAL, column or TOTAL)
# (lesser cells, greater cells): the sum of the first is at most the sum of the second
Bound = tuple[Sequence[Ref], Sequence[Ref]]
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Table:
    """A table of counts of people. `counts[r][c]` is the cell of row r and column c; the table
    publishes a total per row (a "Total" column) when `row_totals`, a total per column (a "Total"
    row) when `column_totals`, and the grand total when both. A list of counts is a table of one
    column (`Table.column`)."""

    key: Hashable
    rows: Sequence
    columns: Sequence
    counts: Sequence[Sequence[int]]
    row_totals: bool = True
    column_totals: bool = True

    def __post_init__(self):
        if len(self.counts) != len(self.rows) or any(
            len(row) != len(self.columns) for row in self.counts
        ):
            raise ValueError(f"table {self.key!r}: counts do not match its rows and columns")
        if any(not isinstance(n, int) or n < 0 for row in self.counts for n in row):
            raise ValueError(f"table {self.key!r}: counts are whole numbers of people, >= 0")

    @classmethod
    def column(cls, key, rows, counts, *, total=False) -> Table:
        """A list of counts (one per row), with its total when `total`."""
        return cls(key, rows, [""], [[n] for n in counts], row_totals=False, column_totals=total)

    def cells(self) -> dict[Ref, int]:
        """Every cell the table publishes, totals included, with its value."""
        values: dict[Ref, int] = {}
        for r, row in enumerate(self.counts):
            for c, n in enumerate(row):
                values[(self.key, r, c)] = n
            if self.row_totals:
                values[(self.key, r, TOTAL)] = sum(row)
        if self.column_totals:
            for c in range(len(self.columns)):
                values[(self.key, TOTAL, c)] = sum(row[c] for row in self.counts)
            if self.row_totals:
                values[(self.key, TOTAL, TOTAL)] = sum(map(sum, self.counts))
        return values

    def equations(self) -> list[tuple[Ref, list[Ref]]]:
        """(total, its parts) for every total the table publishes."""
        rows, columns = range(len(self.rows)), range(len(self.columns))
        k = self.key
        out = []
        if self.row_totals:
            out += [((k, r, TOTAL), [(k, r, c) for c in columns]) for r in rows]
        if self.column_totals:
            out += [((k, TOTAL, c), [(k, r, c) for r in rows]) for c in columns]
            if self.row_totals:
                out.append(((k, TOTAL, TOTAL), [(k, TOTAL, c) for c in columns]))
                out.append(((k, TOTAL, TOTAL), [(k, r, TOTAL) for r in rows]))
        return out


@dataclass
class Publication:
    """What may be published: each table's grid with its masked cells, and which they are."""

    tables: dict[Hashable, Table]
    values: dict[Ref, int]
    primary: set[Ref] = field(default_factory=set)
    secondary: set[Ref] = field(default_factory=set)
    links: Sequence[Sequence[Ref]] = ()
    sums: Sequence[tuple[Ref, Sequence[Ref]]] = ()
    bounds: Sequence[Bound] = ()

    @property
    def masked(self) -> set[Ref]:
        return self.primary | self.secondary

    def shown(self, ref: Ref):
        """The cell as published: its count, or MASK."""
        return MASK if ref in self.masked else self.values[ref]

    def grid(self, key) -> list[list]:
        """The table as published: a row per row (its total last when it has row totals), then
        the total row when it has column totals."""
        table = self.tables[key]
        rows = list(range(len(table.rows))) + ([TOTAL] if table.column_totals else [])
        columns = list(range(len(table.columns))) + ([TOTAL] if table.row_totals else [])
        return [
            [self.shown((key, r, c)) for c in columns if (key, r, c) in self.values] for r in rows
        ]


class _Model:
    """The cells as variables: linked cells share one; equations (`rows`, = 0) and inequalities
    (`inequalities`, >= 0) as coefficient maps."""

    def __init__(self, tables: Sequence[Table], links: Sequence[Sequence[Ref]], sums=(), bounds=()):
        self.values: dict[Ref, int] = {}
        equations = []
        for table in tables:
            self.values.update(table.cells())
            equations += table.equations()
        for total, parts in sums:
            if self.values[total] != sum(self.values[part] for part in parts):
                raise ValueError(f"{total!r} is not the sum of its parts")
            equations.append((total, list(parts)))
        parent = {ref: ref for ref in self.values}

        def find(ref):
            while parent[ref] != ref:
                parent[ref] = parent[parent[ref]]
                ref = parent[ref]
            return ref

        for group in links:
            group = list(group)
            for ref in group:
                if ref not in self.values:
                    raise ValueError(f"link to a cell no table publishes: {ref!r}")
                if self.values[ref] != self.values[group[0]]:
                    raise ValueError(f"linked cells differ: {group[0]!r} and {ref!r}")
                parent[find(ref)] = find(group[0])
        roots = sorted({find(ref) for ref in self.values}, key=repr)
        self.index = {root: i for i, root in enumerate(roots)}
        self.var = {ref: self.index[find(ref)] for ref in self.values}
        self.value = [0] * len(roots)
        for ref, i in self.var.items():
            self.value[i] = self.values[ref]
        self.rows: list[dict[int, int]] = []
        for total, parts in equations:
            coefficients = self._difference([total], parts)
            if coefficients:
                self.rows.append(coefficients)
        # greater - lesser >= 0 (one with no negative coefficient always holds: dropped)
        self.inequalities: list[dict[int, int]] = []
        for lesser, greater in bounds:
            for ref in [*lesser, *greater]:
                if ref not in self.values:
                    raise ValueError(f"bound on a cell no table publishes: {ref!r}")
            if sum(self.values[ref] for ref in lesser) > sum(self.values[ref] for ref in greater):
                raise ValueError(f"{lesser!r} is more than {greater!r}")
            coefficients = self._difference(greater, lesser)
            if any(a < 0 for a in coefficients.values()):
                self.inequalities.append(coefficients)
        self.size = len(roots)

    def _difference(self, plus, minus) -> dict[int, int]:
        """The coefficients of sum(plus) - sum(minus) over the variables, zeros dropped."""
        coefficients: dict[int, int] = {}
        for sign, refs in ((1, plus), (-1, minus)):
            for ref in refs:
                v = self.var[ref]
                coefficients[v] = coefficients.get(v, 0) + sign
        return {v: a for v, a in coefficients.items() if a}

    def slack(self, inequality: dict[int, int]) -> float:
        """How far the true table is inside an inequality (its left side's value)."""
        return float(sum(a * self.value[v] for v, a in inequality.items()))


def _highs():
    import highspy  # imported on first use, not when the site starts

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    return h, highspy


def _add_rows(h, rows, lower, upper):
    """Add the rows ({column: coefficient}) in one call (a row at a time costs more than the
    solve on a consolidated report)."""
    import numpy

    starts, indices, values = [], [], []
    for coefficients in rows:
        starts.append(len(indices))
        indices.extend(coefficients)
        values.extend(coefficients.values())
    h.addRows(
        len(rows),
        numpy.array(lower, dtype=numpy.float64),
        numpy.array(upper, dtype=numpy.float64),
        len(indices),
        numpy.array(starts, dtype=numpy.int32),
        numpy.array(indices, dtype=numpy.int32),
        numpy.array(values, dtype=numpy.float64),
    )


def _intervals(model: _Model, masked: set[int]) -> dict[int, tuple[float, float]]:
    """The attacker's view: for each masked variable, its least and greatest value over the
    tables that agree with everything published (masked cells >= 1, linear relaxation)."""
    import numpy

    h, highspy = _highs()
    h.setOptionValue("presolve", "off")  # one model solved again and again: warm starts
    inf = highspy.kHighsInf
    n = model.size
    lower = [float(v) if i not in masked else 1.0 for i, v in enumerate(model.value)]
    upper = [float(v) if i not in masked else inf for i, v in enumerate(model.value)]
    h.addVars(n, numpy.array(lower), numpy.array(upper))
    _add_rows(h, model.rows, [0.0] * len(model.rows), [0.0] * len(model.rows))
    if model.inequalities:
        count = len(model.inequalities)
        _add_rows(h, model.inequalities, [0.0] * count, [inf] * count)
    out = {}
    for i in sorted(masked):
        ends = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            cost = numpy.zeros(n)
            cost[i] = 1.0
            h.changeColsCost(n, numpy.arange(n, dtype=numpy.int32), cost)
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status not in (
                highspy.HighsModelStatus.kOptimal,
                highspy.HighsModelStatus.kUnbounded,
            ):
                # A warm start the solver could not conclude from ("Unknown"): solved again
                # from scratch, with the presolve that tells an unbounded ray apart.
                h.clearSolver()
                h.setOptionValue("presolve", "on")
                h.run()
                h.setOptionValue("presolve", "off")
                status = h.getModelStatus()
            if status in (
                highspy.HighsModelStatus.kUnbounded,
                # the true table is feasible: "unbounded or infeasible" is unbounded
                highspy.HighsModelStatus.kUnboundedOrInfeasible,
            ):
                ends.append(inf)
            elif status == highspy.HighsModelStatus.kOptimal:
                ends.append(h.getInfo().objective_function_value)
            else:  # the true table is feasible: anything else is the solver's failure
                raise RuntimeError(f"disclosure audit: {h.modelStatusToString(status)}")
        out[i] = (ends[0], ends[1])
    return out


def _greedy(model: _Model, targets: dict[int, int], masked: set[int]) -> set[int]:
    """A quick protection (the integer programme's starting point, and its answer when the time
    is up): sensitive cell after sensitive cell, the cheapest deviation (a linear programme: each
    unit moved in a published cell costs 1 + a share of its value, in a masked one almost
    nothing) that lets it reach its target; the published cells it moves are masked. Masking
    more never undoes an earlier cell's protection."""
    import numpy

    value = model.value
    candidates = [i for i in range(model.size) if value[i] > 0]
    column = {i: k for k, i in enumerate(candidates)}
    count = len(candidates)
    unit = sum(value) + 1
    masked = set(masked)
    h, highspy = _highs()
    h.setOptionValue("presolve", "off")  # one model solved again and again: warm starts
    # d = up - down, up and down >= 0; down <= value - 1 (a masked cell stays >= 1)
    down_bounds = numpy.array([value[i] - 1.0 for i in candidates])
    h.addVars(count, numpy.zeros(count), numpy.full(count, highspy.kHighsInf))
    h.addVars(count, numpy.zeros(count), down_bounds)
    rows = []
    for equation in model.rows:
        coefficients = {}
        for i, a in equation.items():
            if i in column:
                coefficients[column[i]] = float(a)
                coefficients[count + column[i]] = -float(a)
        if coefficients:
            rows.append(coefficients)
    _add_rows(h, rows, [0.0] * len(rows), [0.0] * len(rows))
    # each inequality holds for the moved table too: its deviation is at least -its slack
    rows, lower = [], []
    for inequality in model.inequalities:
        coefficients = {}
        for i, a in inequality.items():
            if i in column:
                coefficients[column[i]] = float(a)
                coefficients[count + column[i]] = -float(a)
        if coefficients:
            rows.append(coefficients)
            lower.append(-model.slack(inequality))
    if rows:
        _add_rows(h, rows, lower, [highspy.kHighsInf] * len(rows))
    every = numpy.arange(2 * count, dtype=numpy.int32)
    for s, target in sorted(targets.items()):
        costs = [1e-4 if i in masked else 1.0 + value[i] / unit for i in candidates]
        h.changeColsCost(2 * count, every, numpy.array(costs + costs))
        k = column[s]
        # the sensitive cell goes up by its target, not down
        h.changeColBounds(k, float(target), highspy.kHighsInf)
        h.changeColBounds(count + k, 0.0, 0.0)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"disclosure: {h.modelStatusToString(h.getModelStatus())}")
        moved = h.getSolution().col_value
        masked |= {
            i for j, i in enumerate(candidates) if abs(moved[j] - moved[count + j]) > _TOLERANCE
        }
        h.changeColBounds(k, 0.0, highspy.kHighsInf)
        h.changeColBounds(count + k, 0.0, float(down_bounds[k]))
    return masked


def _choose(model: _Model, targets: dict[int, int], primary: set[int]) -> set[int]:
    """The integer programme: the fewest masked variables such that each `targets` variable can
    reach its target in a table consistent with what stays published. It starts from the quick
    protection (`_greedy`) and stops after `NODE_LIMIT` nodes with the best it has found; above
    `EXACT_LIMIT`, the quick protection is the answer."""
    import numpy

    start = _greedy(model, targets, primary)
    if len(targets) * sum(1 for v in model.value if v > 0) > EXACT_LIMIT:
        return start

    h, highspy = _highs()
    n = model.size
    value = model.value
    candidates = [i for i in range(n) if value[i] > 0]
    y = {i: k for k, i in enumerate(candidates)}
    weight_unit = sum(value) + 1
    # y: masked or not; primary cells are masked whatever
    h.addVars(
        len(candidates),
        numpy.array([1.0 if i in primary else 0.0 for i in candidates]),
        numpy.ones(len(candidates)),
    )
    h.changeColsCost(
        len(candidates),
        numpy.arange(len(candidates), dtype=numpy.int32),
        numpy.array([1.0 + value[i] / weight_unit for i in candidates]),
    )
    h.changeColsIntegrality(
        len(candidates),
        numpy.arange(len(candidates), dtype=numpy.int32),
        numpy.array([highspy.HighsVarType.kInteger] * len(candidates)),
    )
    # the components of the equations: a deviation only moves cells of its own component
    component = list(range(n))

    def find(i):
        while component[i] != i:
            component[i] = component[component[i]]
            i = component[i]
        return i

    for row in [*model.rows, *model.inequalities]:
        first, *others = row
        for other in others:
            component[find(other)] = find(first)
    big = float(sum(value) + SMALL * n + 1)
    column = len(candidates)
    rows, lower, upper = [], [], []
    for s, target in sorted(targets.items()):
        members = [i for i in candidates if find(i) == find(s)]
        d = {i: column + k for k, i in enumerate(members)}
        column += len(members)
        h.addVars(
            len(members),
            numpy.array([-(value[i] - 1.0) for i in members]),
            numpy.array([big] * len(members)),
        )
        for equation in model.rows:
            if find(next(iter(equation))) != find(s):
                continue
            # published zeros do not move: they drop out of the deviation's equations
            coefficients = {d[i]: a for i, a in equation.items() if i in d}
            if coefficients:
                rows.append(coefficients)
                lower.append(0.0)
                upper.append(0.0)
        for inequality in model.inequalities:
            if find(next(iter(inequality))) != find(s):
                continue
            coefficients = {d[i]: a for i, a in inequality.items() if i in d}
            if coefficients:
                rows.append(coefficients)
                lower.append(-model.slack(inequality))
                upper.append(highspy.kHighsInf)
        for i in members:
            # published (y = 0): no deviation; masked: from down to 1 up to `big`
            rows.append({d[i]: 1.0, y[i]: -big})
            lower.append(-highspy.kHighsInf)
            upper.append(0.0)
            rows.append({d[i]: 1.0, y[i]: value[i] - 1.0})
            lower.append(0.0)
            upper.append(highspy.kHighsInf)
        rows.append({d[s]: 1.0})
        lower.append(float(target))
        upper.append(highspy.kHighsInf)
    _add_rows(h, rows, lower, upper)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_max_nodes", NODE_LIMIT)
    h.setSolution(
        len(candidates),
        numpy.arange(len(candidates), dtype=numpy.int32),
        numpy.array([1.0 if i in start else 0.0 for i in candidates]),
    )
    h.run()
    status = h.getModelStatus()
    solved = status == highspy.HighsModelStatus.kOptimal or (
        status
        in (highspy.HighsModelStatus.kSolutionLimit, highspy.HighsModelStatus.kIterationLimit)
        and h.getInfo().primal_solution_status == 2
    )
    if not solved:
        return start
    solution = h.getSolution().col_value
    found = {i for i in candidates if solution[y[i]] > 0.5}
    return found if len(found) <= len(start) else start


def _unsafe(model, primary, intervals) -> dict[int, int]:
    """The masked variables the audit still pins, with the value they must be able to reach."""
    out = {}
    for i, (low, high) in intervals.items():
        if i in primary and high < SMALL - _TOLERANCE:
            out[i] = SMALL - model.value[i]
        elif high - low < 1 - _TOLERANCE:  # pinned: it must at least be able to go up by one
            out[i] = 1
    return out


def protect(
    tables: Sequence[Table],
    links: Sequence[Sequence[Ref]] = (),
    sums: Sequence[tuple[Ref, Sequence[Ref]]] = (),
    bounds: Sequence[Bound] = (),
) -> Publication:
    """The tables as they may be published together: primary and secondary suppression over all
    of them at once (their totals; `links`: groups of cells that are the same count; `sums`:
    (cell, cells) where a cell is the sum of cells of other tables, e.g. a programme's count and
    its members' counts; `bounds`: (lesser cells, greater cells) where the first count some of
    the people the second count, e.g. the accompaniments started in the period and those
    running in it: the sum of the first is at most the sum of the second)."""
    model = _Model(tables, links, sums, bounds)
    primary = {i for i, v in enumerate(model.value) if 0 < v < SMALL}
    masked = set(primary)
    if primary:
        targets = {i: SMALL - model.value[i] for i in primary}
        for _round in range(model.size + 1):
            masked = _choose(model, targets, primary)
            unsafe = _unsafe(model, primary, _intervals(model, masked))
            if not unsafe:
                break
            targets.update(unsafe)
        else:  # pragma: no cover - every round adds a target, there are finitely many
            raise RuntimeError("disclosure: no safe suppression found")
    by_key = {table.key: table for table in tables}
    return Publication(
        tables=by_key,
        values=dict(model.values),
        primary={ref for ref, i in model.var.items() if i in primary},
        secondary={ref for ref, i in model.var.items() if i in masked - primary},
        links=[list(group) for group in links],
        sums=[(total, list(parts)) for total, parts in sums],
        bounds=[(list(lesser), list(greater)) for lesser, greater in bounds],
    )


def intervals(publication: Publication) -> dict[Ref, tuple[float, float]]:
    """For each masked cell, the least and greatest value it may take given what is published
    (the attacker's linear programmes; `math.inf` when nothing bounds it). For audits and tests."""
    model = _Model(
        list(publication.tables.values()),
        publication.links,
        publication.sums,
        publication.bounds,
    )
    masked = {model.var[ref] for ref in publication.masked}
    by_var = _intervals(model, masked)
    return {ref: by_var[model.var[ref]] for ref in publication.masked}
