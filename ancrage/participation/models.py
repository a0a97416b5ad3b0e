"""Children's voice: the youth space's setting per establishment (the age from which a young
person has an account), what a young person writes to her referent, and the concerns she
raises (each one a safeguarding report)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.scopes import reach
from ancrage.people.models import Person

# The age from which a young person has an account, where the establishment sets nothing.
DEFAULT_YOUTH_ACCOUNT_AGE = 16


class YouthSpaceSetting(models.Model):
    """The age from which the young people of an establishment have their own space."""

    establishment = models.OneToOneField(
        "organisation.Establishment",
        on_delete=models.CASCADE,
        related_name="youth_space_setting",
        verbose_name=_("établissement"),
    )
    youth_account_age = models.PositiveSmallIntegerField(
        _("âge d'ouverture de l'espace jeune"),
        default=DEFAULT_YOUTH_ACCOUNT_AGE,
        validators=[MinValueValidator(11), MaxValueValidator(21)],
        help_text=_("16 ans par défaut ; entre 11 et 21 ans."),
    )

    class Meta:
        verbose_name = _("réglage de l'espace jeune")
        verbose_name_plural = _("réglages de l'espace jeune")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(youth_account_age__gte=11, youth_account_age__lte=21),
                name="youth_account_age_in_range",
            )
        ]

    def __str__(self):
        return f"{self.establishment} · {self.youth_account_age}"


class YouthMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The messages of the young people this user may see."""
        return self.filter(person__in=Person.objects.visible_to(user).values("pk"))


class YouthMessage(models.Model):
    """What a young person writes to her referent from her space."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="youth_messages",
        verbose_name=_("jeune"),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # her referent when she wrote (the head of service of her village reads it otherwise)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="youth_messages_received",
        verbose_name=_("destinataire"),
    )
    text = models.TextField(_("message"), max_length=4000)
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    objects = YouthMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("message d'un jeune")
        verbose_name_plural = _("messages des jeunes")

    def __str__(self):
        return f"{self.person.reference} · {self.sent_at:%d/%m/%Y}"


class Concern(models.Model):
    """A concern a young person raised in her space: the safeguarding report it became, and
    what she may know of it (received, by whom it is handled), never the investigation."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="youth_concerns",
        verbose_name=_("jeune"),
    )
    about_self = models.BooleanField(_("au sujet de sa propre sécurité"))
    incident = models.OneToOneField(
        "safeguarding.Incident",
        on_delete=models.PROTECT,
        related_name="youth_concern",
        verbose_name=_("signalement"),
    )
    raised_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("inquiétude d'un jeune")
        verbose_name_plural = _("inquiétudes des jeunes")

    def __str__(self):
        return f"{self.person.reference} · {self.raised_at:%d/%m/%Y}"


# The participation council (conseil de la vie sociale, CASF L311-6 and D311-3 s., décret
# 2022-688): meets at least three times a year.
MEETINGS_A_YEAR = 3


class CouncilQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The councils of the villages where the user's role grants `council` view (a house's
        role counts for its village)."""
        where = reach(user, "council", "view")
        condition = where.filter(organisation="establishment__organisation_id")
        if where.establishments_worked_in:
            condition |= models.Q(establishment_id__in=sorted(where.establishments_worked_in))
        return self.filter(condition)


class Council(models.Model):
    """The participation council of one village."""

    establishment = models.OneToOneField(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="council",
        verbose_name=_("village"),
    )
    founded_on = models.DateField(_("installé le"))

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("conseil de la vie sociale")
        verbose_name_plural = _("conseils de la vie sociale")

    def __str__(self):
        return f"CVS · {self.establishment}"


class Meeting(models.Model):
    """A meeting of the council: its agenda, its minutes (relevé de conclusions), validated
    then published to the village's children and families."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("tenue le"))
    agenda = models.TextField(_("ordre du jour"))
    minutes = models.TextField(_("relevé de conclusions"), blank=True)
    minutes_validated_on = models.DateField(_("relevé validé le"), null=True, blank=True)
    # the serious events declared to the authority of which the council was informed here
    informed_of = models.ManyToManyField(
        "safeguarding.Declaration",
        blank=True,
        related_name="council_meetings",
        verbose_name=_("déclarations présentées au conseil"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("réunion du conseil")
        verbose_name_plural = _("réunions du conseil")
        constraints = [
            models.UniqueConstraint(fields=["council", "held_on"], name="meeting_one_a_day"),
        ]

    def __str__(self):
        return f"{self.council} · {self.held_on:%d/%m/%Y}"

    @property
    def is_published(self) -> bool:
        return self.minutes_validated_on is not None


class Opinion(models.Model):
    """An opinion or a proposal of the council, tracked to the establishment's answer and to
    the meeting where that answer was reported."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("Avis")
        PROPOSAL = "proposal", _("Proposition")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="opinions")
    kind = models.CharField(_("nature"), max_length=10, choices=Kind)
    text = models.TextField(_("avis ou proposition"))
    answer = models.TextField(_("réponse de l'établissement"), blank=True)
    answered_on = models.DateField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_answers",
        verbose_name=_("réponse présentée à la réunion du"),
    )

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("avis ou proposition du conseil")
        verbose_name_plural = _("avis et propositions du conseil")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer="", answered_on__isnull=True)
                | (~models.Q(answer="") & models.Q(answered_on__isnull=False)),
                name="opinion_answer_and_date_together",
            ),
        ]

    def __str__(self):
        return self.text[:60]


class College(models.TextChoices):
    """The colleges of the council (CASF D311-5): at least two representatives of the children
    and young people, an elected staff representative, one of the organisation; the families'
    representatives where present."""

    CHILDREN = "children", _("Enfants et jeunes accueillis")
    FAMILIES = "families", _("Familles")
    STAFF = "staff", _("Salariés")
    ORGANISATION = "organisation", _("Organisme gestionnaire")


# The fewest members of each college the council needs (the families' college is optional).
MINIMUM_MEMBERS = {College.CHILDREN: 2, College.STAFF: 1, College.ORGANISATION: 1}


class Election(models.Model):
    """An election of a college: a secret ballot, recorded as its results only (the votes of
    each candidate), never who voted for whom."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="elections")
    college = models.CharField(_("collège"), max_length=15, choices=College)
    held_on = models.DateField(_("élection du"))
    seats = models.PositiveSmallIntegerField(_("sièges à pourvoir"))
    ballots = models.PositiveIntegerField(_("votants"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("élection au conseil")
        verbose_name_plural = _("élections au conseil")

    def __str__(self):
        return f"{self.council} · {self.get_college_display()} · {self.held_on:%d/%m/%Y}"


class CouncilMember(models.Model):
    """A member of the council, in a college, for a term (elected at an election, or named for
    the organisation)."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="members")
    college = models.CharField(_("collège"), max_length=15, choices=College)
    name = models.CharField(_("nom"), max_length=150)
    votes = models.PositiveIntegerField(_("voix"), null=True, blank=True)
    elected = models.BooleanField(_("élu·e"), default=True)
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, null=True, blank=True, related_name="candidates"
    )
    term_start = models.DateField(_("début du mandat"))
    term_end = models.DateField(_("fin du mandat"))
    # a representative of the children and young people: her own file, so that her space shows
    # her the council's documents (never another child's file)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_seats",
        verbose_name=_("dossier du jeune"),
    )

    class Meta:
        ordering = ["college", "-elected", "name", "pk"]
        verbose_name = _("membre du conseil")
        verbose_name_plural = _("membres du conseil")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__gt=models.F("term_start")),
                name="council_member_term_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) | models.Q(college="children"),
                name="council_member_file_only_for_children",
            ),
        ]

    def __str__(self):
        return f"{self.name} · {self.get_college_display()}"


class CouncilDocument(models.Model):
    """A document of the council (its founding act, its internal rules, another document), as
    uploaded (checked by kernel.uploads, stored under a random name). A new upload of the same
    document is a new version from its date; the earlier ones are kept."""

    class Kind(models.TextChoices):
        FOUNDING_ACT = "founding_act", _("Acte d'institution")
        INTERNAL_RULES = "internal_rules", _("Règlement intérieur")
        OTHER = "other", _("Autre document")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=Kind)
    title = models.CharField(_("titre"), max_length=150, blank=True)
    effective_on = models.DateField(_("en vigueur le"), validators=[InRange("event")])
    file = models.FileField(_("fichier"), upload_to="council/%Y/")
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("taille"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        ordering = ["kind", "title", "-effective_on", "-pk"]
        verbose_name = _("document du conseil")
        verbose_name_plural = _("documents du conseil")
        constraints = [
            date_in_window("council_document_effective_in_window", "effective_on"),
            models.CheckConstraint(
                condition=~models.Q(kind="other") | ~models.Q(title=""),
                name="council_document_other_has_a_title",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.effective_on:%d/%m/%Y})"

    @property
    def name(self) -> str:
        return self.title or self.get_kind_display()


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The consultations of the villages where the user's role grants `consultation` view."""
        where = reach(user, "consultation", "view")
        condition = where.filter(organisation="establishment__organisation_id")
        if where.establishments_worked_in:
            condition |= models.Q(establishment_id__in=sorted(where.establishments_worked_in))
        return self.filter(condition)


class Consultation(models.Model):
    """A short questionnaire to the children and young people of a village (daily life, meals,
    rules, leisure), answered anonymously in the youth space between two dates; its results are
    published in aggregate (kernel.disclosure), with the establishment's answer, and presented
    to the council."""

    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("village"),
    )
    title = models.CharField(_("titre"), max_length=150)
    introduction = models.TextField(_("ce qu'on demande, en mots simples"), blank=True)
    from_age = models.PositiveSmallIntegerField(
        _("à partir de quel âge"),
        default=DEFAULT_YOUTH_ACCOUNT_AGE,
        validators=[MinValueValidator(6), MaxValueValidator(21)],
    )
    opens_on = models.DateField(_("ouverte le"), validators=[InRange("event")])
    closes_on = models.DateField(_("fermée après le"), validators=[InRange("event")])
    answer = models.TextField(_("réponse de l'établissement"), blank=True)
    answered_on = models.DateField(_("répondu le"), null=True, blank=True)
    presented_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations_presented",
        verbose_name=_("résultats présentés au conseil le"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("consultation des jeunes")
        verbose_name_plural = _("consultations des jeunes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="consultation_dates_in_order",
            ),
            date_in_window("consultation_opens_in_window", "opens_on"),
            date_in_window("consultation_closes_in_window", "closes_on"),
        ]

    def __str__(self):
        return self.title

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on


class ConsultationQuestion(models.Model):
    """A question of a consultation and its choices (one a line)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("question"), max_length=300)
    choices = models.TextField(_("réponses possibles"))

    class Meta:
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="consultation_question_once"
            )
        ]

    def __str__(self):
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ConsultationTally(models.Model):
    """How many chose one answer to a question: the answers are counted, never stored with who
    gave them (no person, no time)."""

    question = models.ForeignKey(
        ConsultationQuestion, on_delete=models.CASCADE, related_name="tallies"
    )
    choice = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "choice"], name="consultation_tally_once")
        ]

    def __str__(self):
        return f"{self.question_id} · {self.choice} · {self.count}"


class ConsultationParticipant(models.Model):
    """That a young person answered a consultation (once), not what she answered."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consultations_answered"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "person"], name="consultation_answered_once"
            )
        ]

    def __str__(self):
        return f"{self.consultation_id} · {self.person_id}"


class ConsultationCode(models.Model):
    """A one-time code to answer a consultation without an account (on a shared tablet at a
    meeting): only its hash is kept, and whether it was used, never by whom."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.consultation_id} · {'utilisé' if self.used else 'libre'}"
