"""The admin site answers to the permission table, not to Django's staff flags."""

from collections import Counter

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models, router
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.access import can

ADMIN_RULE = ("administration", "change")


# The apps whose records name a followed person (a child, a relative, a beneficiary...), and the
# kernel's models that do: the admin's "recent actions" and histories never show their names.
PERSONAL_APP_LABELS = frozenset(
    {
        "people",
        "placements",
        "care",
        "safeguarding",
        "insertion",
        "families",
        "participation",
        "privacy",
        "staff",
    }
)
PERSONAL_KERNEL_MODELS = frozenset({"accessevent", "breakglass"})


def scrub_admin_log(log_entry_model, user_model, membership_model) -> int:
    """The data migration's repair of the admin log written before the administration was
    hardened: an entry about a record that names a person keeps its action and its date, and
    says "n°<id>" instead of the record's name; an entry about a young person's account (named
    after her) says its user name. Takes the models as the migration's state gives them; returns
    how many entries were rewritten, never naming them."""
    rewritten = 0
    entries = log_entry_model.objects.select_related("content_type")
    youth_accounts = dict(
        user_model.objects.filter(person__isnull=False).values_list("pk", "username")
    )
    youth_memberships = set(
        membership_model.objects.filter(user_id__in=youth_accounts).values_list("pk", flat=True)
    )
    for entry in entries.iterator():
        app, model = entry.content_type.app_label, entry.content_type.model
        key = int(entry.object_id) if (entry.object_id or "").isdigit() else None
        if app in PERSONAL_APP_LABELS or (app == "core" and model in PERSONAL_KERNEL_MODELS):
            text = f"n°{entry.object_id}"
        elif (app, model) == ("accounts", "user") and key in youth_accounts:
            text = youth_accounts[key]
        elif (app, model) == ("accounts", "user") and key is not None:
            continue
        elif (app, model) == ("accounts", "membership") and key in youth_memberships:
            text = f"n°{entry.object_id}"
        else:
            continue
        if entry.object_repr != text:
            log_entry_model.objects.filter(pk=entry.pk).update(object_repr=text)
            rewritten += 1
    return rewritten


class AncrageAdminSite(admin.AdminSite):
    site_header = _("Ancrage · administration")
    site_title = _("Ancrage")
    index_title = _("Paramétrage")

    def has_permission(self, request):
        return request.user.is_active and can(request.user, "administration", "change")

    def get_urls(self):
        # The rule the site obeys, declared on its index like a product view's rule, so
        # `{% url_if_allowed %}` offers the administration link from the table.
        urls = super().get_urls()
        for pattern in urls:
            if getattr(pattern, "name", None) == "index":
                pattern.callback.access_rule = ADMIN_RULE
        return urls

    def login(self, request, extra_context=None):
        # One login page for the whole product, with its lockout and second factor; a user
        # already logged in without the administration right is refused, not sent in a loop.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or request.get_full_path())


class AdministrationAdmin(admin.ModelAdmin):
    """Settings records (organisations, users): full rights for the administration role."""

    # One labelled input for a date and time (the browser's own picker), instead of the admin's
    # split date and time whose second input has no label.
    formfield_overrides = {
        models.DateTimeField: {
            "form_class": forms.DateTimeField,
            "widget": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
    }

    def _allowed(self, request):
        return can(request.user, "administration", "change")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)

    def get_deleted_objects(self, objs, request):
        """What a deletion would take, counted by kind and never named: the records attached
        to a house or an account (stays, files, memberships) would print people's names."""
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        perms_needed = set()
        for model in collector.model_objs:
            model_admin = self.admin_site._registry.get(model)
            if model_admin is not None and not model_admin.has_delete_permission(request):
                perms_needed.add(model._meta.verbose_name)
        model_count = {
            model._meta.verbose_name_plural: len(instances)
            for model, instances in collector.model_objs.items()
        }
        to_delete = [f"{capfirst(name)} : {count}" for name, count in model_count.items()]
        protected = Counter(capfirst(obj._meta.verbose_name_plural) for obj in collector.protected)
        return (
            to_delete,
            model_count,
            perms_needed,
            [f"{name} : {count}" for name, count in sorted(protected.items())],
        )

    def get_ordering(self, request):
        # The autocomplete pages page through the admin's queryset: never an unordered one.
        return super().get_ordering(request) or (() if self.model._meta.ordering else ("-pk",))


class ReadOnlyAdmin(AdministrationAdmin):
    """Records that carry a rule (a stay, a person's identity, the access log...) are written only
    through their services, in the product: the admin may list them (within the user's scope),
    never add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def adopt_registered_admins(site) -> None:
    """Third-party apps register their own admins (lockouts, second-factor devices) on Django's
    staff permissions; make them answer to the permission table too, and drop the ones that
    would show personal data (auditlog's before/after values) or that Ancrage does not use
    (permission groups: roles live in memberships)."""
    from auditlog.models import LogEntry
    from django.contrib.auth.models import Group

    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AdministrationAdmin):
            continue
        site.unregister(model)
        if model in (LogEntry, Group):
            continue
        adopted = type(
            f"Ancrage{type(model_admin).__name__}", (AdministrationAdmin, type(model_admin)), {}
        )
        site.register(model, adopted)
