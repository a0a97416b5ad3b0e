"""Nothing anyone types crashes a form or half-writes a record: for every form page of the
permission matrix (tests/kernel/test_permission_matrix.py knows each URL, what it names and who
may use it), hypothesis posts generated values (wrong types, huge strings, boundary and absurd
dates, unicode, markup) as a role allowed there, and checks: no 500 (the test client raises any
exception of the view), and when the answer refuses the input, the error is shown at a field (or
at the top of the form) and no row of Ancrage's tables was written."""

import datetime

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.kernel.access import AUTHENTICATED, PUBLIC, role_can
from ancrage.kernel.models import AccessEvent
from tests.conftest import login
from tests.kernel.test_permission_matrix import (  # noqa: F401 (fixtures)
    ROLES,
    URLS,
    line_of,
    private_media_root,
    shared_world,
    url_for,
)

EXAMPLES_PER_FORM = 5
# Pages that are not a person's form (login and second factor, the personal ICS feed read by a
# phone with its secret link).
NOT_FORMS = {"accounts:login", "accounts:logout", "accounts:two_factor_verify", "care:ics_feed"}

TODAY = datetime.date.today()
DAYS = [
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "1900-01-01",
    "1989-12-31",
    "2026-02-30",
    "31/12/2026",
    "hier",
    "",
    TODAY.isoformat(),
    (TODAY - datetime.timedelta(days=30)).isoformat(),
    (TODAY + datetime.timedelta(days=30)).isoformat(),
]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
JUNK = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '=HYPERLINK("http://x")',
            "' OR 1=1 --",
            "🙂 Zoé Łódź 中文",
            "x" * 20_000,
            "-1",
            "99999999999999999999",
            "1e309",
            "NaN",
        ]
    ),
)


@pytest.fixture
def world(request, db):
    """The permission matrix's world, written once per module."""
    return request.getfixturevalue("shared_world")


def value_for(field: forms.Field, initial):
    """A strategy for what a person (or a script) may put in `field`."""
    if isinstance(field, forms.SplitDateTimeField):
        return st.just(initial)
    if isinstance(field, forms.DateTimeField):
        return st.one_of(st.sampled_from(DAYS).map(lambda d: f"{d}T10:00" if d else d), JUNK)
    if isinstance(field, forms.DateField):
        return st.one_of(st.sampled_from(DAYS), JUNK)
    if isinstance(field, forms.FileField):
        return st.just(None)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "42"])
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        choices = [str(value) for value, _label in field.choices if value != ""][:5]
        return st.lists(st.one_of(st.sampled_from(choices or ["1"]), JUNK), max_size=3)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        choices = [str(value) for value, _label in field.choices if value != ""][:10]
        return st.one_of(st.sampled_from(choices or [""]), JUNK)
    if isinstance(field.widget, forms.HiddenInput):
        # the hidden version of an edit form: as shown, mostly
        return st.one_of(st.just(initial), JUNK)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(st.integers(-(10**12), 10**12).map(str), JUNK)
    return JUNK


def counts():
    """The rows of every table of Ancrage but the read audit (a refused page still records
    whom it showed)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("ancrage.") and model is not AccessEvent
    }


def forms_in(response):
    """The forms and formsets a page answered with."""
    context = response.context
    if context is None:
        return []
    found = []
    # a ContextList (several templates rendered) has keys(); a single template's Context flattens
    names = context.keys() if hasattr(context, "keys") else context.flatten().keys()
    for name in names:
        if name.startswith("_"):
            continue
        value = context.get(name)
        if isinstance(value, dict):
            values = list(value.values())
        elif isinstance(value, list | tuple):
            values = list(value)
        else:
            values = [value]
        found += [v for v in values if isinstance(v, forms.BaseForm | forms.BaseFormSet)]
    return found


def form_of(response):
    """The form a page answered with: the bound one (the form that was posted) when the page
    holds several, else the first."""
    found = [f for f in forms_in(response) if isinstance(f, forms.BaseForm)]
    bound = [form for form in found if form.is_bound]
    return (bound or found or [None])[0]


def has_errors(form) -> bool:
    if isinstance(form, forms.BaseFormSet):
        return bool(form.non_form_errors()) or any(form.errors)
    return bool(form.errors)


def allowed_role(rule, the_world, name, pattern):
    """A role the table lets use the URL, with a record of its scope."""
    for role in ROLES:
        if rule in (PUBLIC, AUTHENTICATED) or role_can(role, *rule):
            url, in_scope = url_for(name, pattern, the_world, role, True)
            if in_scope is not False:
                return role, url
    return None, None


FORM_URLS = [
    (name, pattern, callback)
    for name, pattern, callback in URLS
    if name not in NOT_FORMS and not name.startswith("web:health")
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "pattern", "callback"), FORM_URLS, ids=[n for n, _p, _c in FORM_URLS]
)
def test_no_form_crashes_or_half_writes_on_generated_input(client, world, name, pattern, callback):
    line = line_of(name)
    line.names.prepare(world)
    role, url = allowed_role(callback.access_rule, world, name, pattern)
    assert role is not None, f"no role of the table may use {name}"
    login(client, world.users[role])
    shown = client.post(url) if line.post else client.get(url)
    shown_forms = [f for f in forms_in(shown) if isinstance(f, forms.BaseForm)]
    bound_fields = [bf for form in shown_forms for bf in form]
    if not bound_fields or shown.status_code not in (200, 422):
        return  # not a form page: nothing to type in
    fields = {bf.html_name: value_for(bf.field, bf.value()) for bf in bound_fields}

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(st.fixed_dictionaries(fields))
    def post_generated(data):
        data = {k: v for k, v in data.items() if v is not None}
        with transaction.atomic():
            before = counts()
            response = client.post(url, data)
            assert response.status_code < 500
            posted = [f for f in forms_in(response) if f.is_bound]
            refused = any(has_errors(f) for f in posted)
            if response.status_code == 422:
                # a refusal says why, at a field or at the top of the form
                assert refused, f"{name}: refused without a word"
            if refused:
                assert counts() == before, f"{name}: a refused form wrote rows"
            transaction.set_rollback(True)

    post_generated()
    # the count of forms and cases, for `pytest -s`
    print(f"\nform page {name}: {len(fields)} fields, {EXAMPLES_PER_FORM} cases")
