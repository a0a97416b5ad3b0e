"""The lists' filters: django-filter FilterSets read from the query string."""

import django_filters

from ancrage.kernel.forms import quick_selects


class ListFilters(django_filters.FilterSet):
    """A list's filters. When one value of the query string does not validate (an unknown
    choice, a place out of scope), the list is not filtered at all: it is shown whole, with the
    error at the field, as the lists always did. Its form's selects are written in Python, as
    the kernel's forms' are (`quick_selects`)."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            quick_selects(super().form)
        return self._form

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset
        return super().filter_queryset(queryset)
