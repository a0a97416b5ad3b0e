"""Statistical disclosure control (kernel.disclosure): cells of 1 to 4 masked, and enough others
that no masked cell can be recomputed. The proof: for generated tables and linked pairs, the
attacker's linear programmes over everything published (cells, totals, the other table) leave
every masked cell an interval of more than one value, reaching 5 for a cell of 1 to 4."""

from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.kernel.disclosure import MASK, TOTAL, Publication, Table, intervals, protect

# Small counts are what the report holds: many cells of 0 to 9, a few larger.
count = st.one_of(st.integers(0, 9), st.integers(0, 60))
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def tables(key, rows=st.integers(1, 4), columns=st.integers(1, 4)):
    return st.tuples(rows, columns).flatmap(
        lambda shape: st.lists(
            st.lists(count, min_size=shape[1], max_size=shape[1]),
            min_size=shape[0],
            max_size=shape[0],
        ).map(
            lambda counts: Table(
                key,
                [f"r{r}" for r in range(len(counts))],
                [f"c{c}" for c in range(len(counts[0]))],
                counts,
            )
        )
    )


def assert_nothing_recomputable(publication: Publication):
    for ref, (low, high) in intervals(publication).items():
        value = publication.values[ref]
        assert low <= value <= high, ref
        assert high - low >= 1 - 1e-6, f"{ref} pinned to {value}"
        if 0 < value < 5:
            assert high >= 5 - 1e-6, f"{ref} ({value}) certainly under 5: at most {high}"


def assert_primary_rule(publication: Publication):
    for ref, value in publication.values.items():
        if 0 < value < 5:
            assert publication.shown(ref) == MASK, ref


@PROPERTY
@given(tables("t"))
def test_disclosure_no_masked_cell_of_a_table_can_be_recomputed(table):
    publication = protect([table])
    assert_primary_rule(publication)
    assert_nothing_recomputable(publication)


@PROPERTY
@given(st.data())
def test_disclosure_no_masked_cell_of_linked_tables_can_be_recomputed(data):
    """Two tables of the same population (same rows, the row totals linked: territories × sex
    and territories × exit reason), and a list of the same people by another cut whose total is
    the grand total (age brackets)."""
    first = data.draw(tables("a"))
    rows = len(first.rows)
    second_counts = []
    for row in first.counts:
        # another cut of each row's people, into 1 to 3 columns
        parts = data.draw(st.integers(1, 3))
        cuts = sorted(
            data.draw(st.lists(st.integers(0, sum(row)), min_size=parts - 1, max_size=parts - 1))
        )
        bounds = [0, *cuts, sum(row)]
        second_counts.append([bounds[k + 1] - bounds[k] for k in range(parts)])
    width = max(map(len, second_counts))
    second_counts = [row + [0] * (width - len(row)) for row in second_counts]
    second = Table("b", first.rows, [f"k{c}" for c in range(width)], second_counts)
    grand = sum(map(sum, first.counts))
    cut = data.draw(st.integers(0, grand))
    third = Table.column("c", ["young", "old"], [cut, grand - cut], total=True)
    links = [[("a", r, TOTAL), ("b", r, TOTAL)] for r in range(rows)]
    links.append([("a", TOTAL, TOTAL), ("b", TOTAL, TOTAL), ("c", TOTAL, 0)])
    publication = protect([first, second, third], links)
    assert_primary_rule(publication)
    assert_nothing_recomputable(publication)
    for group in links:  # the same count is shown, or masked, everywhere
        assert len({publication.shown(ref) for ref in group}) == 1


def test_disclosure_a_territory_is_no_longer_found_by_subtraction():
    """The issue's case: 33 beneficiaries, territories of 24, 5 and 4: the 4 was masked and
    found as 33 - 24 - 5. Now another territory is masked with it."""
    table = Table.column("t", ["Centre", "Nord", "Sud"], [24, 5, 4], total=True)
    publication = protect([table])
    assert publication.grid("t") == [[24], [MASK], [MASK], [33]]
    assert intervals(publication)[("t", 2, 0)] == (1.0, 8.0)


def test_disclosure_a_sex_by_age_cell_is_not_found_from_its_row_total():
    table = Table("ages", ["<26", "26-44"], ["F", "M"], [[3, 10], [7, 8]])
    publication = protect([table])
    grid = publication.grid("ages")
    assert grid[0][0] == MASK
    assert sum(cell == MASK for row in grid for cell in row) == 4  # the rectangle
    assert_nothing_recomputable(publication)


def test_disclosure_publishes_zero_and_five():
    table = Table.column("t", ["a", "b", "c"], [0, 5, 12], total=True)
    publication = protect([table])
    assert publication.grid("t") == [[0], [5], [12], [17]]
    assert not publication.masked


def test_disclosure_masks_a_total_of_1_to_4_and_what_reveals_it():
    table = Table.column("t", ["a", "b"], [3, 0], total=True)
    publication = protect([table])
    assert publication.grid("t") == [[MASK], [0], [MASK]]
    assert_nothing_recomputable(publication)


def test_disclosure_a_lone_count_needs_no_secondary_cell():
    table = Table.column("steps", ["contacts", "accompaniments"], [3, 40])
    publication = protect([table])
    assert publication.grid("steps") == [[MASK], [40]]
    assert intervals(publication)[("steps", 0, 0)][1] == float("inf")


def test_disclosure_masks_the_fewest_extra_cells():
    """Against every smaller choice: no set of fewer extra cells protects the table."""
    table = Table("t", ["a", "b", "c"], ["x", "y", "z"], [[2, 9, 14], [6, 7, 1], [11, 8, 20]])
    publication = protect([table])
    assert_nothing_recomputable(publication)
    extra = len(publication.secondary)
    candidates = sorted((ref for ref, v in publication.values.items() if v >= 5), key=repr)
    for size in range(extra):
        for choice in combinations(candidates, size):
            trial = Publication(
                publication.tables, publication.values, publication.primary, set(choice)
            )
            found = intervals(trial)
            assert any(
                high - low < 1 - 1e-6 or (0 < trial.values[ref] < 5 and high < 5 - 1e-6)
                for ref, (low, high) in found.items()
            ), f"{choice} would have been enough"


def test_disclosure_refuses_links_between_different_counts():
    a = Table.column("a", ["x"], [7], total=True)
    b = Table.column("b", ["y"], [8], total=True)
    with pytest.raises(ValueError):
        protect([a, b], [[("a", TOTAL, 0), ("b", TOTAL, 0)]])


def test_disclosure_refuses_negative_counts():
    with pytest.raises(ValueError):
        Table.column("a", ["x"], [-1])


@PROPERTY
@given(
    tables("m1", rows=st.just(3), columns=st.just(2)),
    tables("m2", rows=st.just(3), columns=st.just(2)),
)
def test_disclosure_a_programme_and_its_members_are_protected_together(first, second):
    """A programme's table is the sum of its members' tables, cell by cell (`sums`)."""
    total = Table(
        "programme",
        first.rows,
        first.columns,
        [
            [a + b for a, b in zip(r1, r2, strict=True)]
            for r1, r2 in zip(first.counts, second.counts, strict=True)
        ],
    )
    sums = [
        (("programme", r, c), [("m1", r, c), ("m2", r, c)])
        for r in [*range(3), TOTAL]
        for c in [*range(2), TOTAL]
    ]
    publication = protect([first, second, total], sums=sums)
    assert_primary_rule(publication)
    assert_nothing_recomputable(publication)


def test_disclosure_refuses_a_sum_that_does_not_add_up():
    a = Table.column("a", ["x"], [7], total=True)
    b = Table.column("b", ["y"], [8], total=True)
    with pytest.raises(ValueError):
        protect([a, b], sums=[(("a", TOTAL, 0), [("b", TOTAL, 0)])])


def test_disclosure_the_quick_protection_alone_leaves_nothing_recomputable(monkeypatch):
    """Above EXACT_LIMIT (a consolidated report) the quick protection is the answer: the same
    proof holds for it, on random tables and their members."""
    import random

    from ancrage.kernel import disclosure

    monkeypatch.setattr(disclosure, "EXACT_LIMIT", 0)
    rng = random.Random(15)
    for _ in range(25):
        rows, columns = rng.randint(1, 4), rng.randint(1, 4)

        def counts():
            return [
                [rng.choice([0, 1, 2, 3, 4, 5, 8, 20]) for _c in range(columns)]
                for _r in range(rows)
            ]  # noqa: B023

        parts = [counts(), counts()]
        names = [f"r{r}" for r in range(rows)], [f"c{c}" for c in range(columns)]
        whole = [[a + b for a, b in zip(*pair, strict=True)] for pair in zip(*parts, strict=True)]
        tables = [
            Table(k, *names, table)
            for k, table in zip(("m0", "m1", "p"), [*parts, whole], strict=True)
        ]
        sums = [
            (("p", r, c), [("m0", r, c), ("m1", r, c)])
            for r in [*range(rows), TOTAL]
            for c in [*range(columns), TOTAL]
        ]
        publication = protect(tables, sums=sums)
        assert_primary_rule(publication)
        assert_nothing_recomputable(publication)


def test_disclosure_the_same_tables_always_give_the_same_masks():
    """Two different masks of one table, compared, would give cells away."""
    table = Table("t", ["a", "b", "c"], ["x", "y", "z"], [[2, 9, 14], [6, 7, 1], [11, 8, 20]])
    first = protect([table])
    assert all(protect([table]).masked == first.masked for _ in range(3))


def test_disclosure_an_inequality_between_tables_is_accounted_for():
    """The accompaniments started in the period are some of those running in it. Territory 2
    started 5 and runs 5, territory 1 started none and runs 1, 6 in all: masking the two
    running cells is enough for the totals alone, but started <= running pins them (territory
    2 runs at least 5, territory 1 at least 1, and they make 6). Declared, the protection masks
    the total instead."""
    started = Table.column("started", ["t1", "t2"], [0, 5], total=True)
    running = Table.column("running", ["t1", "t2"], [1, 5], total=True)
    bounds = [([("started", r, 0)], [("running", r, 0)]) for r in range(2)]
    blind = protect([started, running])
    assert blind.masked == {("running", 0, 0), ("running", 1, 0)}
    audited = Publication(blind.tables, blind.values, blind.primary, blind.secondary, bounds=bounds)
    assert intervals(audited)[("running", 1, 0)] == (5.0, 5.0)  # what an attacker finds
    publication = protect([started, running], bounds=bounds)
    assert publication.masked == {("running", 0, 0), ("running", TOTAL, 0)}
    assert_nothing_recomputable(publication)


def test_disclosure_refuses_a_bound_the_counts_break():
    a = Table.column("a", ["x"], [7], total=True)
    b = Table.column("b", ["y"], [6], total=True)
    with pytest.raises(ValueError):
        protect([a, b], bounds=[([("a", 0, 0)], [("b", 0, 0)])])


@PROPERTY
@given(st.data())
def test_disclosure_no_masked_cell_can_be_recomputed_with_the_inequalities(data):
    """Two tables of the same shape where each cell of the first counts some of the people of
    the second's (started and running, paid people and paid periods, exits and people
    accompanied), the first row of each at most its second (within a table: overrun and
    running), and a list whose total is at most the first's grand total (some of the people):
    every masked cell's interval under the attacker's linear programmes, with every inequality
    and total, is at least one wide, and reaches 5 for a cell of 1 to 4."""
    lesser = data.draw(tables("a", rows=st.integers(2, 3)))
    rows, columns = len(lesser.rows), len(lesser.columns)
    greater_counts = [
        [n + data.draw(st.sampled_from([0, 0, 1, 2, 3, 6])) for n in row] for row in lesser.counts
    ]
    greater = Table("b", lesser.rows, lesser.columns, greater_counts)
    bounds = [([("a", r, c)], [("b", r, c)]) for r in range(rows) for c in range(columns)]
    for key, table in (("a", lesser), ("b", greater)):
        bounds += [
            ([(key, 0, c)], [(key, 1, c)])
            for c in range(columns)
            if table.counts[0][c] <= table.counts[1][c]
        ]
    grand = sum(map(sum, lesser.counts))
    part = data.draw(st.integers(0, grand))
    some = Table.column("c", ["young", "old"], [part // 2, part - part // 2], total=True)
    bounds.append(([("c", TOTAL, 0)], [("a", TOTAL, TOTAL)]))
    publication = protect([lesser, greater, some], bounds=bounds)
    assert_primary_rule(publication)
    assert_nothing_recomputable(publication)
