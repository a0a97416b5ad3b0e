"""The kernel's selects are written in Python (`QuickSelect`, `QuickSelectMultiple`, given to
every plain select of the kernel's forms and list filters): they must write exactly what
Django's select templates wrote, whatever the choices, values and attributes."""

from datetime import UTC, date, datetime
from decimal import Decimal

import django_filters
import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from ancrage.kernel.filters import ListFilters
from ancrage.kernel.forms import Form, QuickSelect, QuickSelectMultiple, quick_selects

CHOICES = [
    ("", "---------"),
    (1, "Équipe <1> & co"),
    ("a2", gettext_lazy("Toutes")),
    ("x\"y'", mark_safe("<b>sûr</b>")),
    (3, 3),
    (Decimal("2.50"), 1.5),
    (date(2026, 3, 1), date(2026, 3, 1)),
    (True, True),
    ("dt", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
]
GROUPED = [
    ("", "---------"),
    ("Groupe <1> & co", [(1, "un"), (2, "deux & <trois>")]),
    (4, "quatre"),
    (gettext_lazy("Toutes"), [("a", "A"), ("b", mark_safe("<i>B</i>"))]),
    (Decimal("1.5"), [(5, "cinq")]),
]
VALUES = [None, "", 1, "1", "2", "a2", "x\"y'", "absent", Decimal("2.50"), date(2026, 3, 1), True]
ATTRS = [
    None,
    {"id": "id_team"},
    {"id": "id_t", "required": True, "aria-invalid": "true", "disabled": True},
    {"id": "id_t", "required": False, "data-x": 3, "title": 'a "b" & <c>'},
]


def pair(widget, choices, **kwargs):
    base = {forms.Select: QuickSelect, forms.SelectMultiple: QuickSelectMultiple}[widget]
    quick = base(choices=choices, attrs={"class": "a&b", "disabled": False}, **kwargs)
    django = widget(choices=choices, attrs={"class": "a&b", "disabled": False}, **kwargs)
    return quick, django


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []], ids=["flat", "groups", "empty"])
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_quick_select_writes_what_django_select_wrote(language, choices, value, attrs):
    quick, django = pair(forms.Select, choices)
    with override(language):
        assert quick.render("team", value, attrs) == django.render("team", value, attrs)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []], ids=["flat", "groups", "empty"])
@pytest.mark.parametrize(
    "value",
    [None, [], ["1"], [1, "a2"], ["x\"y'", "absent", "2", "b"], "1", [True, date(2026, 3, 1)]],
)
@pytest.mark.parametrize("attrs", ATTRS)
def test_quick_select_multiple_writes_what_django_wrote(language, choices, value, attrs):
    quick, django = pair(forms.SelectMultiple, choices)
    with override(language):
        assert quick.render("g<&>", value, attrs) == django.render("g<&>", value, attrs)


def test_a_select_given_its_own_templates_keeps_them():
    quick = QuickSelect(choices=CHOICES)
    quick.option_template_name = "django/forms/widgets/input_option.html"
    django = forms.Select(choices=CHOICES)
    django.option_template_name = "django/forms/widgets/input_option.html"
    assert quick.render("team", 1) == django.render("team", 1)


class Plain(forms.Form):
    team = forms.ChoiceField(choices=CHOICES[1:], help_text="aide")
    teams = forms.MultipleChoiceField(choices=GROUPED[1:], required=False, disabled=True)
    step = forms.TypedChoiceField(choices=CHOICES, coerce=str, required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:3], widget=forms.RadioSelect, required=False)


class Quick(Form):
    team = forms.ChoiceField(choices=CHOICES[1:], help_text="aide")
    teams = forms.MultipleChoiceField(choices=GROUPED[1:], required=False, disabled=True)
    step = forms.TypedChoiceField(choices=CHOICES, coerce=str, required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:3], widget=forms.RadioSelect, required=False)


@pytest.mark.parametrize(
    "data", [None, {"team": "nope"}, {"team": "1", "teams": ["1", "b"], "step": "a2"}]
)
def test_a_kernel_form_writes_what_a_django_form_wrote(data):
    quick = Quick(data)
    assert type(quick.fields["team"].widget) is QuickSelect
    assert type(quick.fields["teams"].widget) is QuickSelectMultiple
    assert type(quick.fields["radio"].widget) is forms.RadioSelect  # not a select: left alone
    assert type(Plain(data).fields["team"].widget) is forms.Select  # the class is untouched
    with override("fr"):
        assert str(quick) == str(Plain(data))
        for name in Plain.base_fields:
            assert str(quick[name]) == str(Plain(data)[name])


class Rows(list):
    model = None


class Filters(ListFilters):
    status = django_filters.ChoiceFilter(
        label="Étape", choices=CHOICES[1:], empty_label=gettext_lazy("Toutes")
    )
    team = django_filters.MultipleChoiceFilter(label="Équipes", choices=GROUPED[1:])


def test_a_list_filters_form_writes_what_django_filter_wrote():
    data = {"status": "a2", "team": ["1"]}
    form = Filters(data, queryset=Rows()).form
    assert type(form.fields["status"].widget) is QuickSelect
    assert type(form.fields["team"].widget) is QuickSelectMultiple
    plain = django_filters.FilterSet.get_form_class(Filters(data, queryset=Rows()))(data)
    assert type(plain.fields["status"].widget) is forms.Select
    assert str(form) == str(plain)
    assert (
        Filters(data, queryset=Rows()).form is not form
    )  # one form per filter set, as django-filter's


def test_quick_selects_leaves_subclasses_alone():
    class Own(forms.Select):
        pass

    class F(forms.Form):
        team = forms.ChoiceField(choices=CHOICES, widget=Own)

    assert type(quick_selects(F()).fields["team"].widget) is Own
