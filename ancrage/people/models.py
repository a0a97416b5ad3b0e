"""Persons followed by the association, their family links and sibling groups.

Every read of these records goes through `Person.objects.visible_to(user)`.
"""

import secrets
import threading
from collections import OrderedDict
from datetime import date

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel import calendar
from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.lookups import IdsSlot
from ancrage.kernel.models import BreakGlass
from ancrage.kernel.scopes import memberships_in_force, reach
from ancrage.kernel.text import search_key
from ancrage.kernel.versions import Versioned
from ancrage.people import scopes

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


def new_reference(rng=None) -> str:
    """A stable pseudonymous reference, used in exports and reports instead of the name."""
    choice = rng.choice if rng is not None else secrets.choice
    return "P-" + "".join(choice(REFERENCE_ALPHABET) for _ in range(8))


# A word shorter than this matches only the start of the surname (see PersonQuerySet.search).
SEARCH_CONTAINS_MIN = 3


class Bytewise(models.Func):
    """A text column compared byte by byte (`COLLATE "C"` on PostgreSQL, `BINARY` on SQLite):
    the order and the prefix ranges of the search keys, which hold only a-z and spaces, whatever
    the database's collation; the surname-prefix index (migration people.0003) is built on it."""

    template = '(%(expressions)s COLLATE "C")'
    output_field = models.CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s COLLATE BINARY)", **extra_context
        )


def name_condition(text: str, path: str = "") -> Q:
    """The condition of `PersonQuerySet.search` on the names, for persons reached through
    `path` ("person__" from a model that points to a person): every word of three letters or
    more within the names (trigram index), or, when every word is shorter, the start of the
    usage surname in byte order (surname-prefix index). Matches everyone for an empty text."""
    words = search_key(text).split()
    if not words:
        return Q()
    if all(len(word) < SEARCH_CONTAINS_MIN for word in words):
        return Q(StartsWith(Bytewise(path + "last_name_key"), " ".join(words)))
    condition = Q()
    for word in words:
        condition &= Q(**{path + "search_text__contains": word})
    return condition


def _in(among) -> str:
    """The lookup narrowing to `among`: a list of ids as one parameter (`__any_of`,
    kernel/lookups.py: the scope repeats it on each way in), a query as a subquery."""
    return "in" if isinstance(among, models.QuerySet) else "any_of"


def _among(ids, among):
    """A one-column query of person ids (`.values(field)`) narrowed to the ids `among` (None:
    not narrowed)."""
    if among is None:
        return ids
    return ids.filter(**{f"{ids.query.values_select[0]}__{_in(among)}": among})


def reached_person_ids(user, where, among=None):
    """The ids of the persons `where` (the user's reach for ("person", "view")) lets the user
    see, as one query of one column: the UNION ALL of every way in (their own file, the followed
    children with their relatives and brothers and sisters, the persons the apps register, the
    files opened by a running break-the-glass); None when there is none.

    With `among` (ids, or a query of one column of ids), each way in is asked about those
    persons only: the result is the same as the whole set's intersection with `among`, but
    PostgreSQL probes each way in by those ids instead of building the whole set (every child
    who ever stayed in a village, their relatives and siblings: 7,000 rows at the large scale)
    to keep a handful."""
    parts = []
    if where.person is not None:
        parts.append(_among(Person.objects.filter(pk=where.person).values("pk"), among))
    for children in scopes.followed_children(user, where):
        children = children.order_by()
        parts.append(_among(children, among))
        parts.append(
            _among(FamilyLink.objects.filter(person_id__in=children).values("relative_id"), among)
        )
        parts.append(
            _among(
                SiblingGroupMember.objects.filter(
                    group_id__in=SiblingGroupMember.objects.filter(person_id__in=children).values(
                        "group_id"
                    )
                ).values("person_id"),
                among,
            )
        )
    parts.extend(_among(ids.order_by(), among) for ids in scopes.persons(user, where))
    if reach(user, "break_glass", "use"):
        parts.append(
            _among(BreakGlass.objects.active().filter(user=user).values("person_id"), among)
        )
    if not parts:
        return None
    parts = [part.order_by() for part in parts]
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


# The person scope compiled once and reused (docs/decisions.md, 2026-12-06). Its SQL is a
# function of what `scope_key` holds, and of nothing else:
# - the reach of every kind a way in reads (`reach(user, kind, action)`: "person", "beneficiary",
#   "break_glass") is a function of the user's memberships in force (role and place, with the
#   establishment of a unit) and the account's own file, read once per request; the permission
#   table and the roles' levels are code;
# - the ways in read the user's id (break-the-glass, opened archives) and today's date in the
#   current time zone (`Stay.objects.current()`);
# - the time windows (break-the-glass, opened archives) compare with the database's clock,
#   `Now()` in the SQL, never a time passed as a parameter: a window expires without any reset;
# - the rest is in the data the SQL reads when it runs: a stay starting or ending, a file
#   archived or opened change the rows, not the SQL.
# A way in registered later must keep to this (tests/people/test_scope_cache.py lists the
# audited ones). `among` given as ids is one parameter (`IdsSlot`), filled at each call; given as
# a query, the scope is compiled for that call only.
SCOPE_CACHE_SIZE = 256
_scope_cache: OrderedDict = OrderedDict()
_scope_cache_lock = threading.Lock()
_AMONG = IdsSlot()


def clear_scope_cache() -> None:
    with _scope_cache_lock:
        _scope_cache.clear()


def scope_key(user, db: str, narrowed: bool) -> tuple:
    """Everything the compiled person scope depends on (see above): the database, the user, the
    account's own file, the memberships in force with their places, today's date in the current
    time zone, whether it is asked about some persons (`among` as ids), and the ways in
    registered (`scopes.registered()`)."""
    memberships = tuple(
        sorted(
            (
                (
                    m.role,
                    m.unit_id,
                    m.unit.establishment_id if m.unit_id else None,
                    m.establishment_id,
                    m.organisation_id,
                )
                for m in memberships_in_force(user)
            ),
            key=repr,
        )
    )
    return (
        db,
        user.pk,
        getattr(user, "person_id", None),
        memberships,
        timezone.localdate(),
        narrowed,
        scopes.registered(),
    )


def compile_scope(user, where, db: str, among=None):
    """The person scope of `user` (reach `where`) as SQL: ((sql, params) of the ids reached,
    ((sql, params) of each set of ids hidden, ...)), or None when the user reaches nobody. Builds
    the querysets of every way in (`reached_person_ids`, `scopes.hidden_persons`), which run no
    query, and compiles them for the database `db`."""
    reached = reached_person_ids(user, where, among)
    if reached is None:
        return None
    try:
        sql, params = reached.query.get_compiler(using=db).as_sql()
    except EmptyResultSet:
        return None
    hidden = []
    for ids in scopes.hidden_persons(user):
        try:
            hidden_sql, hidden_params = ids.order_by().query.get_compiler(using=db).as_sql()
        except EmptyResultSet:
            continue
        hidden.append((hidden_sql, tuple(hidden_params)))
    return (sql, tuple(params)), tuple(hidden)


def _compiled_scope(user, where, db: str, narrowed: bool):
    """`compile_scope` through the per-process cache, keyed on `scope_key` (the least recently
    used entry goes past SCOPE_CACHE_SIZE). Compiled over midnight, it is used but not kept."""
    key = scope_key(user, db, narrowed)
    with _scope_cache_lock:
        found = _scope_cache.get(key)
        if found is not None:
            _scope_cache.move_to_end(key)
            return found
    compiled = compile_scope(user, where, db, _AMONG if narrowed else None)
    if timezone.localdate() != key[4]:
        return compiled
    with _scope_cache_lock:
        _scope_cache[key] = compiled
        _scope_cache.move_to_end(key)
        while len(_scope_cache) > SCOPE_CACHE_SIZE:
            _scope_cache.popitem(last=False)
    return compiled


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user, among=None):
        """The persons this user's current roles let them see; nothing for anyone else. With
        `among` (ids, or a query of one column of ids), only those of them the user may see,
        the scope asked about them alone (`reached_person_ids`): for a page that checks the
        persons it is about to show rather than listing the whole scope.

        Who enters the scope is registered by the apps that know it (`ancrage/people/scopes.py`):
        - house roles: the children living in their house today, and those children's relatives
          and brothers and sisters (placements);
        - establishment roles: every child who has stayed in the establishment, with relatives
          and siblings, and the children of admission requests sent to it (placements);
        - O2R counsellors and leads: the beneficiaries of their team or service (insertion);
        - a young person: their own file;
        - the national director: only files opened by a break-the-glass still running;
        - finance, funders, technical administrators: nobody;
        and never a file `privacy` hides (archived and not opened with a reason, anonymised).

        The scope's SQL is compiled once per user's memberships and day in this process and
        reused (`scope_key`, `compile_scope`): who is in it is read when the query runs.
        """
        where = reach(user, "person", "view")
        if not where:
            return self.none()
        if among is not None and not isinstance(among, models.QuerySet):
            among = list(among)
            if not among:
                return self.none()
        # The SQL of the scope, compiled once per `scope_key` in this process (a query of ids
        # for `among`: compiled for this call).
        if isinstance(among, models.QuerySet):
            compiled = compile_scope(user, where, self.db, among)
        else:
            compiled = _compiled_scope(user, where, self.db, among is not None)
        if compiled is None:
            return self.none()
        (sql, params), hidden = compiled
        if among is not None and not isinstance(among, models.QuerySet):
            params = _AMONG.fill(params, among, connections[self.db].vendor)
        # One semi-join on the ids the user reaches (a UNION ALL of each way in), which the
        # planner estimates as the size of that set: not an OR of IN-subqueries, which it
        # estimates at a row or two and then loops over (docs/decisions.md, 2026-12-05).
        # (SQL compiled by Django from the ways in, values as parameters)
        reached = RawSQL(sql, params, output_field=models.IntegerField())  # noqa: S611
        queryset = self.filter(pk__in=reached)
        if among is not None:
            queryset = queryset.filter(**{f"pk__{_in(among)}": among})
        # archived files (privacy) are out of everyone's lists until opened with a reason
        for hidden_sql, hidden_params in hidden:
            hidden_ids = RawSQL(hidden_sql, hidden_params, output_field=models.IntegerField())  # noqa: S611
            queryset = queryset.exclude(pk__in=hidden_ids)
        return queryset

    def search(self, text: str = "", birth_date: date | None = None):
        """Case-, accent- and hyphen-insensitive search on every name, ranked: a surname (or
        birth name) equal to the query first, then surnames starting with it, then first names
        starting with it, then any other match.

        One or two letters (every word shorter than SEARCH_CONTAINS_MIN: "m", "ma", "le g") find
        the persons whose surname starts with them, in alphabetical order: what the page sends
        while a name is being typed, served by an index that stops at the first rows in order
        (docs/decisions.md, 2026-11-23)."""
        queryset = self
        words = search_key(text).split()
        if words and all(len(word) < SEARCH_CONTAINS_MIN for word in words):
            queryset = queryset.filter(name_condition(text))
            if birth_date:
                queryset = queryset.filter(birth_date=birth_date)
            return queryset.order_by(Bytewise("last_name_key"), Bytewise("first_names_key"), "pk")
        if words:
            queryset = queryset.filter(name_condition(text))
        if birth_date:
            queryset = queryset.filter(birth_date=birth_date)
        if not words:
            return queryset.order_by("last_name_key", "first_names_key", "pk")
        whole = " ".join(words)
        first = words[0]
        rank = models.Case(
            models.When(Q(last_name_key=whole) | Q(birth_name_key=whole), then=100),
            models.When(
                Q(last_name_key__startswith=first) | Q(birth_name_key__startswith=first), then=60
            ),
            models.When(first_names_key__startswith=first, then=30),
            models.When(Q(search_text__contains=" " + first), then=20),
            default=10,
            output_field=models.IntegerField(),
        )
        return queryset.annotate(rank=rank).order_by(
            "-rank", "last_name_key", "first_names_key", "pk"
        )


class Person(Versioned):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Féminin")
        MALE = "M", _("Masculin")
        UNKNOWN = "X", _("Non renseigné")

    reference = models.CharField(
        _("référence"), max_length=12, unique=True, default=new_reference, editable=False
    )
    first_names = models.CharField(_("prénoms"), max_length=150)
    last_name = models.CharField(_("nom d'usage"), max_length=150)
    birth_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    birth_date = models.DateField(
        _("date de naissance"), null=True, blank=True, validators=[InRange("birth")]
    )
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex, default=Sex.UNKNOWN)
    birthplace = models.CharField(_("lieu de naissance"), max_length=150, blank=True)
    nationality = models.CharField(_("nationalité"), max_length=100, blank=True)
    languages = models.CharField(
        _("langues parlées"), max_length=200, blank=True, help_text=_("Séparées par des virgules.")
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    # Normalised copies of the names, kept by save(), so search is accent-insensitive everywhere.
    search_text = models.CharField(max_length=500, editable=False, default="")
    last_name_key = models.CharField(max_length=150, editable=False, default="")
    birth_name_key = models.CharField(max_length=150, editable=False, default="")
    first_names_key = models.CharField(max_length=150, editable=False, default="")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_names"]
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        indexes = [
            models.Index(fields=["last_name_key", "first_names_key"], name="person_name_idx"),
            models.Index(fields=["birth_name_key"], name="person_birth_name_idx"),
            models.Index(fields=["birth_date"], name="person_birth_date_idx"),
        ]
        constraints = [
            date_in_window("person_birth_date_in_window", "birth_date"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_search_keys()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "search_text",
                "last_name_key",
                "birth_name_key",
                "first_names_key",
            }
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()

    def refresh_search_keys(self) -> None:
        self.last_name_key = search_key(self.last_name)
        self.birth_name_key = search_key(self.birth_name)
        self.first_names_key = search_key(self.first_names)
        self.search_text = " ".join(
            part for part in (self.last_name_key, self.birth_name_key, self.first_names_key) if part
        )

    def age(self, on: date | None = None) -> int | None:
        if not self.birth_date:
            return None
        return calendar.age_on(self.birth_date, on or timezone.localdate())


class FamilyLink(models.Model):
    """`relative` is the <kind> of `person`. Every link is stored in both directions, and the
    services keep the two rows consistent (a mother's row has a matching child's row)."""

    class Kind(models.TextChoices):
        MOTHER = "mother", _("Mère")
        FATHER = "father", _("Père")
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Enfant")
        SIBLING = "sibling", _("Frère ou sœur")
        HALF_SIBLING = "half_sibling", _("Demi-frère ou demi-sœur")
        STEP_RELATION = "step_relation", _("Lien par alliance (beau-parent, quasi-frère…)")
        GRANDPARENT = "grandparent", _("Grand-parent")
        GRANDCHILD = "grandchild", _("Petit-enfant")
        OTHER_RELATIVE = "other_relative", _("Autre membre de la famille")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="family_links", verbose_name=_("personne")
    )
    relative = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("proche")
    )
    kind = models.CharField(_("lien"), max_length=20, choices=Kind)
    created_at = models.DateTimeField(auto_now_add=True)

    PARENT_KINDS = frozenset({Kind.MOTHER, Kind.FATHER, Kind.PARENT})
    SIBLING_KINDS = frozenset({Kind.SIBLING, Kind.HALF_SIBLING})

    class Meta:
        ordering = ["kind", "relative__last_name"]
        verbose_name = _("lien familial")
        verbose_name_plural = _("liens familiaux")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="family_link_unique_pair"),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="family_link_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.relative} — {self.get_kind_display()} de {self.person}"


class SiblingGroup(models.Model):
    """A fratrie: brothers and sisters, half-siblings included, who should live together.

    Derived from the family links by the services, and editable by the head of service."""

    name = models.CharField(_("nom"), max_length=150)
    note = models.TextField(_("observations"), blank=True)
    members = models.ManyToManyField(
        Person,
        through="SiblingGroupMember",
        related_name="sibling_groups",
        verbose_name=_("membres"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("fratrie")
        verbose_name_plural = _("fratries")

    def __str__(self):
        return self.name


class SiblingGroupMember(models.Model):
    group = models.ForeignKey(SiblingGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="sibling_membership"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre de fratrie")
        verbose_name_plural = _("membres de fratrie")

    def __str__(self):
        return f"{self.person} ∈ {self.group}"


# --- Consents ------------------------------------------------------------------------------------


class ImageUse(models.TextChoices):
    """What a photo or a video of a person may be used for: each use has its own consent."""

    INTERNAL = "internal", _("Usage interne (albums, affichage au village)")
    PUBLICATIONS = "publications", _("Publications de l'association (site, journal, réseaux)")
    PRESS = "press", _("Presse et médias")


class ConsentQuerySet(models.QuerySet):
    def in_force(self, today=None):
        """Given, not withdrawn, not expired on `today` (a consent without an end runs until it
        is withdrawn), and the child did not oppose it."""
        today = today or timezone.localdate()
        return self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today),
            given_on__lte=today,
            withdrawn_on__isnull=True,
        ).exclude(child_opinion=Consent.Opinion.OPPOSES)

    def images(self):
        return self.filter(kind=Consent.Kind.IMAGE)

    def sharing_with(self, partner_id):
        return self.filter(kind=Consent.Kind.PARTNER_SHARING, partner_id=partner_id)


class Consent(models.Model):
    """A person's consent, one mechanism for every kind: the use of their image (per use), or
    the sharing of their data with a partner (an O2R service a village refers a young person
    to). Given by the holders of parental authority with the child's own opinion recorded (Code
    civil art. 371-1 and 372-1), or by the person; dated, with an end or without one, withdrawable
    at any time, and then out of force at once (`Consent.objects.in_force`)."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Droit à l'image")
        PARTNER_SHARING = "partner_sharing", _("Partage avec un partenaire")

    class GivenBy(models.TextChoices):
        PARENTS = "parents", _("Les titulaires de l'autorité parentale")
        DELEGATE = "delegate", _("Le tuteur ou le service délégataire de l'autorité parentale")
        SELF = "self", _("La personne elle-même")

    class Opinion(models.TextChoices):
        AGREES = "agrees", _("D'accord")
        OPPOSES = "opposes", _("S'y oppose")
        NOT_ABLE = "not_able", _("Trop jeune pour donner son avis")
        ADULT = "adult", _("Majeure : consent elle-même")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )
    kind = models.CharField(_("objet"), max_length=20, choices=Kind, default=Kind.IMAGE)
    use = models.CharField(_("usage"), max_length=15, choices=ImageUse, blank=True)
    partner = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire"),
    )
    given_by = models.CharField(_("donné par"), max_length=10, choices=GivenBy)
    signatories = models.CharField(_("signataires"), max_length=300)
    child_opinion = models.CharField(_("avis de l'enfant"), max_length=10, choices=Opinion)
    child_words = models.TextField(_("ses mots"), blank=True)
    form = models.CharField(_("forme du consentement"), max_length=200, blank=True)
    terms = models.TextField(_("ce qui est accepté"), blank=True)
    given_on = models.DateField(_("donné le"), validators=[InRange("past")])
    expires_on = models.DateField(
        _("valable jusqu'au"), null=True, blank=True, validators=[InRange("event")]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawal_note = models.TextField(_("retrait : qui l'a demandé, comment"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "use", "-given_on", "-pk"]
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        constraints = [
            date_in_window("image_consent_given_on_in_window", "given_on"),
            date_in_window("image_consent_expires_on_in_window", "expires_on"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("given_on")),
                name="consent_expires_after_given",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_on__isnull=False, withdrawn_by__isnull=False),
                name="image_consent_withdrawal_whole",
            ),
            # An image consent names its use and ends (at majority at the latest for a minor);
            # a sharing consent names its partner.
            models.CheckConstraint(
                condition=Q(kind="image", partner__isnull=True, expires_on__isnull=False)
                & ~Q(use="")
                | Q(kind="partner_sharing", partner__isnull=False, use=""),
                name="consent_kind_whole",
            ),
        ]
        indexes = [models.Index(fields=["person", "kind"], name="consent_person_kind")]

    def __str__(self):
        what = self.get_use_display() if self.kind == self.Kind.IMAGE else self.get_kind_display()
        return f"{what} · {self.given_on:%d/%m/%Y}"

    def in_force_on(self, today) -> bool:
        """What `ConsentQuerySet.in_force` says, for a consent already read."""
        return (
            not self.withdrawn_on
            and self.child_opinion != self.Opinion.OPPOSES
            and self.given_on <= today
            and (self.expires_on is None or today <= self.expires_on)
        )

    def state(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.withdrawn_on:
            return _("Retiré le %(d)s") % {"d": self.withdrawn_on.strftime("%d/%m/%Y")}
        if self.child_opinion == self.Opinion.OPPOSES:
            return _("Refusé (l'enfant s'y oppose)")
        if self.expires_on is not None and self.expires_on < today:
            return _("Expiré")
        if self.given_on > today:
            return _("À venir")
        return _("En vigueur")
