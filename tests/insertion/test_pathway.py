"""The pathway's details in the report: outreach by mode, the entrants by source, the follow-ups
due at 3 and 6 months by outcome, the barriers by kind; under the disclosure control."""

import pytest

from ancrage.insertion import report
from ancrage.kernel.disclosure import MASK
from tests.insertion.test_consolidated import END, START, consortium, members_of  # noqa: F401

pytestmark = pytest.mark.django_db


def table(figures, name):
    return dict(next(rows for n, _t, rows in figures.pathway if n == name))


def test_pathway_figures_equal_the_fixture_worked_out_by_hand(consortium):  # noqa: F811
    """Every entrant came through outreach (A 9, B 3); the person of B who left on 31 March has
    a follow-up due on 30 June, not yet recorded; no outreach action, no barrier."""
    parts, whole = report.member_reports(members_of(consortium), START, END)
    a, b = parts
    assert table(a, "sources") == {
        "Repérage": 9,
        "Orientation par un village d'enfants": 0,
        "Total": 9,
    }
    assert table(whole, "sources")["Total"] == 12
    assert table(b, "follow_ups_3")["À faire"] == 1
    assert table(whole, "follow_ups_3")["Total"] == 1
    assert table(a, "follow_ups_3")["Total"] == 0
    assert table(whole, "follow_ups_6")["Total"] == 0
    assert set(table(whole, "outreach_kinds").values()) == {0}
    assert set(table(whole, "barriers_identified").values()) == {0}


def test_pathway_small_cells_are_masked_with_their_totals_protected(consortium):  # noqa: F811
    published = report.build_consolidated(members_of(consortium), START, END)
    b = published.reports[1]
    assert table(b, "sources")["Repérage"] == MASK  # 3 entrants
    assert table(b, "follow_ups_3")["À faire"] == MASK  # 1 follow-up
    assert table(published.programme, "follow_ups_3")["Total"] == MASK
