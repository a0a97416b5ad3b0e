"""The activity report's table bodies, written in one pass (`{{ rows|report_rows }}`) rather
than by template loops: the consolidated report has some fifty tables and over a thousand
cells, and the template engine's loop, context and filter machinery per cell was most of the
page's time. The cells come out exactly as `{{ value }}` would write them in the loop they
replace (localized, escaped), each row `<tr><th scope="row">first</th><td class="n">…</td></tr>`.
"""

from django import template
from django.conf import settings
from django.template.defaultfilters import add
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


class _Cells:
    """`{{ value }}` as a template writes it (autoescape, localization on), the text of each
    value computed once per table (the same counts recur across rows)."""

    def __init__(self):
        self.known = {}
        # Django's number_format writes an int as str(int) unless thousands are grouped
        self.plain_ints = not settings.USE_THOUSAND_SEPARATOR

    def __call__(self, value) -> str:
        if self.plain_ints and type(value) is int:
            return str(value)
        key = (type(value), value) if isinstance(value, (int, float, str)) else None
        if key is not None and key in self.known:
            return self.known[key]
        text = localize(value)
        if not isinstance(text, str):
            text = str(text)
        text = conditional_escape(text)
        if key is not None:
            self.known[key] = text
        return text


@register.filter(is_safe=True)
def report_rows(rows):
    """Rows of a first cell (the row's heading) and counts: `(label, n, …)`."""
    cell = _Cells()
    return mark_safe(  # noqa: S308 - every value escaped by conditional_escape
        "".join(
            '<tr><th scope="row">'
            + cell(row[0])
            + "</th>"
            + "".join('<td class="n">' + cell(n) + "</td>" for n in row[1:])
            + "</tr>"
            for row in rows
        )
    )


@register.filter(is_safe=True)
def member_rows(rows):
    """Rows of `(label, parts, whole)`: a count per member, then the programme's."""
    cell = _Cells()
    return mark_safe(  # noqa: S308 - every value escaped by conditional_escape
        "".join(
            '<tr><th scope="row">'
            + cell(label)
            + "</th>"
            + "".join('<td class="n">' + cell(n) + "</td>" for n in parts)
            + '<td class="n">'
            + cell(whole)
            + "</td></tr>"
            for label, parts, whole in rows
        )
    )


@register.filter(is_safe=True)
def member_column_rows(lines):
    """Rows of `(label, column, parts, whole)`: the row's heading, its column's name, a count
    per member, then the programme's."""
    cell = _Cells()
    return mark_safe(  # noqa: S308 - every value escaped by conditional_escape
        "".join(
            '<tr><th scope="row">'
            + cell(label)
            + "</th><td>"
            + cell(column)
            + "</td>"
            + "".join('<td class="n">' + cell(n) + "</td>" for n in parts)
            + '<td class="n">'
            + cell(whole)
            + "</td></tr>"
            for label, column, parts, whole in lines
        )
    )


@register.filter(is_safe=True)
def member_headings(members):
    """The members' column headings."""
    cell = _Cells()
    return mark_safe(  # noqa: S308 - every value escaped by conditional_escape
        "".join('<th scope="col" class="n">' + cell(member) + "</th>" for member in members)
    )


@register.filter(is_safe=True)
def chart_bars(bars):
    """A chart's bars (`report.chart`): each its label's lines, its bar and its value."""
    cell = _Cells()
    return mark_safe(  # noqa: S308 - every value escaped by conditional_escape
        "".join(
            "<g>\n      "
            + "".join(
                f'<text x="0" y="{cell(y)}" font-size="12">{cell(line)}</text>'
                for y, line in bar["lines"]
            )
            + f'\n      <rect x="240" y="{cell(bar["bar_y"])}" width="{cell(bar["width"])}"'
            + ' height="14" fill="#0b4f6c"></rect>'
            + f'\n      <text x="{cell(add(bar["width"], 246))}" y="{cell(bar["text_y"])}"'
            + f' font-size="12">{cell(bar["value"])}</text>\n    </g>'
            for bar in bars
        )
    )
