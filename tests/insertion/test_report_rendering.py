"""The report's table bodies are written in Python (the `report_rows` filters): they must write
exactly what the template loops they replace wrote."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import engines
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from ancrage.insertion.report import chart

VALUES = [
    0,
    7,
    12345,
    -3,
    1.5,
    Decimal("2.50"),
    None,
    True,
    "< 5",
    "Tom & Jerry <b>",
    mark_safe("<i>sûr</i>"),
    gettext_lazy("Sorties par motif"),
    date(2026, 3, 1),
]


def render(source, **context):
    return engines["django"].from_string("{% load report_rows %}" + source).render(context)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_filters_write_what_the_template_loops_wrote(language):
    flat = [(VALUES[i], *VALUES[i : i + 4]) for i in range(len(VALUES) - 4)]
    members = [(label, VALUES[:k], VALUES[-1 - k]) for k, label in enumerate(VALUES)]
    lines = [(label, VALUES[-1], VALUES[k:], VALUES[0]) for k, label in enumerate(VALUES)]
    with override(language):
        assert render("{{ rows|report_rows }}", rows=flat) == render(
            '{% for row in rows %}<tr>{% for cell in row %}{% if forloop.first %}<th scope="row">'
            '{{ cell }}</th>{% else %}<td class="n">{{ cell }}</td>{% endif %}{% endfor %}</tr>'
            "{% endfor %}",
            rows=flat,
        )
        assert render("{{ rows|member_rows }}", rows=members) == render(
            '{% for label, parts, whole in rows %}<tr><th scope="row">{{ label }}</th>'
            '{% for n in parts %}<td class="n">{{ n }}</td>{% endfor %}<td class="n">{{ whole }}'
            "</td></tr>{% endfor %}",
            rows=members,
        )
        assert render("{{ lines|member_column_rows }}", lines=lines) == render(
            '{% for label, column, parts, whole in lines %}<tr><th scope="row">{{ label }}</th>'
            '<td>{{ column }}</td>{% for n in parts %}<td class="n">{{ n }}</td>{% endfor %}'
            '<td class="n">{{ whole }}</td></tr>{% endfor %}',
            lines=lines,
        )
        assert render("{{ members|member_headings }}", members=VALUES) == render(
            '{% for member in members %}<th scope="col" class="n">{{ member }}</th>{% endfor %}',
            members=VALUES,
        )


def test_the_bars_filter_writes_what_the_template_loop_wrote():
    rows = [
        ("Personnes en remobilisation (au moins une activité) & <autres>", 78391),
        ("Contacts", 13708),
        (gettext_lazy("Sorties par motif"), 0),
        ("< 5", "< 5"),
    ]
    bars = chart("chart-x", "Titre", rows)["bars"]
    assert render("{{ bars|chart_bars }}", bars=bars) == render(
        "{% for bar in bars %}<g>\n      {% for y, line in bar.lines %}"
        '<text x="0" y="{{ y }}" font-size="12">{{ line }}</text>{% endfor %}\n'
        '      <rect x="240" y="{{ bar.bar_y }}" width="{{ bar.width }}" height="14" '
        'fill="#0b4f6c"></rect>\n'
        '      <text x="{{ bar.width|add:246 }}" y="{{ bar.text_y }}" font-size="12">'
        "{{ bar.value }}</text>\n    </g>{% endfor %}",
        bars=bars,
    )


def test_the_beneficiary_rows_filter_writes_what_the_template_loop_wrote():
    rows = [
        {
            "url": "/o2r/beneficiaires/7/?a=1&b=2",
            "name": "D'Arc <Jeanne> & co",
            "status": gettext_lazy("Sorties par motif"),
            "team": None,
            "territory": mark_safe("<i>sûr</i>"),
            "consent_on": date(2026, 3, 1),
            "limit": date(2027, 12, 31),
        },
        {
            "url": "/o2r/beneficiaires/8/",
            "name": "Élise Dupont",
            "status": "accompanied",
            "team": "Équipe 1",
            "territory": 12,
            "consent_on": None,
            "limit": None,
        },
        {
            "url": "/x/",
            "name": "",
            "status": "",
            "team": "",
            "territory": "",
            "consent_on": date(999, 1, 2),
            "limit": "",
        },
    ]
    for language in ("fr", "en"):
        with override(language):
            assert engines["django"].from_string(
                "{% load beneficiary_rows %}{{ rows|beneficiary_rows }}"
            ).render({"rows": rows}) == engines["django"].from_string(
                '{% for b in rows %}<tr><td><a href="{{ b.url }}">{{ b.name }}</a></td><td>'
                "{{ b.status }}</td><td>{{ b.team }}</td><td>{{ b.territory }}</td><td>"
                '{{ b.consent_on|date:"d/m/Y" }}</td><td>{% if b.limit %}'
                '{{ b.limit|date:"d/m/Y" }}{% else %}—{% endif %}</td></tr>{% endfor %}'
            ).render({"rows": rows})
