"""The register of processing activities (RGPD art. 30) as the product knows them: each
processing's purposes, legal bases, categories of persons and data, recipients, its retention
(read from the retention rules, never written twice) and the security measures (read from the
settings and the permission table); and what a data-protection impact assessment (DPIA, art. 35;
CNIL délibération 2018-327 for social support) of the association will need.

The texts are the association's, declared once with the code that does what they say
(`kernel.personal_data.Processing`): the case files' and the traces' here, the other apps' in
their own `personal_data.py`; a test checks that every framework of the retention rules has a
processing, and that every code is declared once."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ancrage.kernel import personal_data
from ancrage.kernel.access import KINDS, TWO_FACTOR_ROLES, Role
from ancrage.kernel.personal_data import Processing
from ancrage.privacy.models import Framework, RetentionRule

# The nine criteria: a processing that meets two of them needs a DPIA (CNIL, délibération
# 2018-327 lists social support of vulnerable persons among the processings that always do).
CRITERIA = {
    "evaluation": _("Évaluation ou notation des personnes"),
    "automated": _("Décision automatique avec effet juridique"),
    "monitoring": _("Surveillance systématique"),
    "sensitive": _("Données sensibles ou hautement personnelles"),
    "large_scale": _("Données à grande échelle"),
    "matching": _("Croisement de données"),
    "vulnerable": _("Personnes vulnérables (enfants, personnes accompagnées, salariés)"),
    "innovative": _("Usage innovant"),
    "exclusion": _("Exclusion du bénéfice d'un droit ou d'un contrat"),
}

# The processings of the case files and the traces, declared here for the apps below privacy
# (the others declare theirs in their own `personal_data.py`).
PROCESSINGS = (
    Processing(
        "child_protection",
        _("Accueil et accompagnement des enfants confiés (villages d'enfants)"),
        (
            _("Accueillir les enfants confiés par l'ASE ou le juge, avec leurs frères et sœurs"),
            _("Élaborer et suivre le projet pour l'enfant, les rapports de situation"),
            _("Organiser la vie quotidienne, les rendez-vous, les visites et liens familiaux"),
            _("Accompagner les jeunes majeurs vers l'autonomie (jusqu'à 21 ans)"),
        ),
        (
            _("Mission d'intérêt public (RGPD art. 6.1.e) : CASF L221-1, L222-5, L223-1-1"),
            _("Obligation légale (art. 6.1.c) : rapports au juge (Code civil art. 375-2)"),
            _("Données de santé : art. 9.2.b et 9.2.h (prise en charge sociale et médico-sociale)"),
            _("Cadre CNIL : délibération 2022-008 (protection de l'enfance)"),
        ),
        (
            _("Enfants et jeunes majeurs accueillis"),
            _("Parents, titulaires de l'autorité parentale, proches"),
            _("Professionnels et bénévoles qui les accompagnent"),
        ),
        (
            _("Identité, filiation, fratrie, coordonnées des proches"),
            _("Mesures de protection et décisions (jugements, décisions de l'ASE)"),
            _("Projet pour l'enfant, bilans de santé, scolarité, observations du quotidien"),
            _("Rendez-vous, visites, droits de visite et d'hébergement"),
        ),
        (
            _("L'équipe du village selon son rôle (table des droits)"),
            _("Le service de l'ASE du département, le juge des enfants (rapports)"),
            _("La direction nationale, par accès exceptionnel motivé"),
        ),
        frameworks=(Framework.CHILD_PROTECTION,),
        criteria=("sensitive", "vulnerable", "evaluation", "large_scale"),
        position=10,
    ),
    Processing(
        "safeguarding",
        _("Signalements, événements indésirables et déclarations aux autorités"),
        (
            _("Recueillir et traiter les signalements de maltraitance ou de danger"),
            _("Déclarer les dysfonctionnements graves, transmettre à la CRIP et au procureur"),
        ),
        (
            _("Obligation légale (art. 6.1.c) : CASF L331-8-1, L226-2-1 ; Code pénal art. 434-3"),
            _("Données relatives aux infractions : art. 10, sous le contrôle de l'autorité"),
        ),
        (
            _("Enfants concernés, témoins, personnes mises en cause"),
            _("Professionnels déclarants"),
        ),
        (
            _("Récit des faits (chiffré au repos), lieux, mesures immédiates"),
            _("Qualification, transmissions et leurs suites"),
        ),
        (
            _("Chef de service et direction de l'établissement"),
            _("Autorité de tarification et de contrôle, CRIP, procureur de la République"),
        ),
        frameworks=(Framework.CHILD_PROTECTION,),
        retention_note=_(
            "Un dossier impliqué dans un signalement non clos n'est ni archivé ni anonymisé."
        ),
        criteria=("sensitive", "vulnerable", "evaluation"),
        position=20,
    ),
    Processing(
        "image_rights",
        _("Droit à l'image des personnes accueillies"),
        (_("Conserver et utiliser des photos et des vidéos pour un usage consenti"),),
        (
            _(
                "Consentement (art. 6.1.a) des titulaires de l'autorité parentale, avis de "
                "l'enfant recueilli (Code civil art. 371-1, 372-1), de la personne majeure"
            ),
        ),
        (_("Enfants et jeunes accueillis"),),
        (_("Photos et vidéos, leur légende et leur usage ; les consentements et leurs retraits"),),
        (_("L'équipe du village ; pour les publications et la presse, le public"),),
        frameworks=(Framework.CHILD_PROTECTION,),
        retention_note=_(
            "Une photo ou une vidéo n'est montrée que sous un consentement en vigueur pour son "
            "usage ; elle est supprimée à l'anonymisation du dossier."
        ),
        criteria=("vulnerable",),
        position=30,
    ),
    Processing(
        "o2r",
        _("Repérage et remobilisation des jeunes (O2R)"),
        (
            _("Aller vers les jeunes sans emploi ni formation, les accompagner"),
            _("Les orienter vers des partenaires, avec leur consentement"),
            _("Rendre compte de l'activité au préfet (agrégats, petits effectifs masqués)"),
        ),
        (
            _("Mission d'intérêt public (art. 6.1.e) : convention O2R (mandat SIEG)"),
            _("Consentement au partage avec un partenaire (art. 6.1.a)"),
            _("Cadre CNIL : délibération 2021-028 (accompagnement social)"),
        ),
        (_("Jeunes repérés et accompagnés (16 ans et plus)"), _("Partenaires")),
        (
            _("Identité, coordonnées, situation (emploi, formation, logement)"),
            _("Freins, objectifs, actions, orientations, sortie et suivi"),
        ),
        (
            _("L'équipe O2R du service"),
            _("Les partenaires désignés, avec le consentement du jeune"),
            _("Le financeur : agrégats seulement"),
        ),
        frameworks=(Framework.O2R,),
        criteria=("vulnerable", "evaluation", "matching"),
        position=40,
    ),
    Processing(
        "traces",
        _("Sécurité : journal des consultations et historique des modifications"),
        (_("Savoir qui a lu ou modifié quelles données, quand et pourquoi"),),
        (_("Obligation légale (art. 6.1.c) : RGPD art. 5.1.f et 32"),),
        (_("Utilisateurs du produit"), _("Personnes dont le dossier est consulté")),
        (_("Identifiant, action, dossier, date, motif"),),
        (_("Direction, délégué à la protection des données"),),
        frameworks=(Framework.TRACES,),
        criteria=("monitoring",),
        position=80,
    ),
)


def register() -> None:
    """Called by `PrivacyConfig.ready()`."""
    for processing in PROCESSINGS:
        personal_data.register_processing(processing)


def processings() -> list[Processing]:
    """Each declared processing with the retention rules of its frameworks (one query)."""
    rules = list(RetentionRule.objects.all())
    return [
        replace(
            processing,
            rules=tuple(rule for rule in rules if rule.framework in processing.frameworks),
        )
        for processing in personal_data.processings()
    ]


def security_measures() -> list[str]:
    """What the product does to protect the data, read from its settings and its table."""
    minutes = settings.SESSION_COOKIE_AGE // 60
    return [
        ngettext(
            "Accès selon le besoin d'en connaître : %(roles)d rôles, %(kinds)d types de "
            "données, refusé par défaut (table des droits)",
            "Accès selon le besoin d'en connaître : %(roles)d rôles, %(kinds)d types de "
            "données, refusé par défaut (table des droits)",
            len(Role),
        )
        % {"roles": len(Role), "kinds": len(KINDS)},
        _("Double authentification pour les %(n)d rôles qui voient des données nominatives")
        % {"n": len(TWO_FACTOR_ROLES)},
        ngettext(
            "Session fermée après %(n)d minute d'inactivité",
            "Session fermée après %(n)d minutes d'inactivité",
            minutes,
        )
        % {"n": minutes},
        _(
            "Journal des consultations : chaque lecture d'un dossier est enregistrée, "
            "conservée %(n)s mois"
        )
        % {"n": settings.ACCESS_LOG_RETENTION_MONTHS},
        _(
            "Accès exceptionnel de la direction nationale : motivé, limité à %(n)d minutes, "
            "enregistré"
        )
        % {"n": settings.BREAK_GLASS_MINUTES},
        _("Récits des signalements chiffrés au repos, clés renouvelables"),
        _(
            "Fichiers déposés contrôlés (type lu dans le contenu, contenu actif refusé, images "
            "ré-encodées sans métadonnées), conservés hors du site, servis après contrôle"
        ),
        _("Historique des modifications de chaque enregistrement"),
        _("Sauvegarde et restauration de la base et des fichiers (ancrage backup, restore)"),
        _(
            "Données qui sortent : agrégats, petits effectifs (moins de 5) masqués avec masquage "
            "secondaire"
        ),
        _(
            "Conservation limitée : passage de conservation simulé puis approuvé, archivage "
            "intermédiaire, anonymisation irréversible"
        ),
    ]


def dpia_needed(processing: Processing) -> bool:
    """Two criteria or more (the CNIL's rule)."""
    return len(processing.criteria) >= 2


# What a DPIA must contain (art. 35.7) and where the product already answers.
DPIA_PARTS = (
    (
        _("Description du traitement et de ses finalités"),
        _("Le registre des traitements : finalités, données, personnes, destinataires."),
        "privacy:register",
    ),
    (
        _("Nécessité et proportionnalité"),
        _(
            "Fondements juridiques (registre), minimisation (table des droits), durées de "
            "conservation (règles), information et droits des personnes (demandes)."
        ),
        "privacy:rules",
    ),
    (
        _("Droits des personnes"),
        _(
            "Demandes d'accès, de rectification et d'opposition : enregistrées, identité "
            "vérifiée, délai d'un mois, décision motivée."
        ),
        "privacy:requests",
    ),
    (
        _("Risques pour les personnes"),
        _(
            "À rédiger par l'association : accès illégitime, modification non désirée, "
            "disparition des données ; leurs sources, leurs impacts, leur vraisemblance."
        ),
        "",
    ),
    (
        _("Mesures prévues face aux risques"),
        _("Les mesures de sécurité du registre ; les mesures d'organisation à ajouter."),
        "privacy:register",
    ),
    (
        _("Avis du délégué à la protection des données"),
        _("À recueillir et joindre (art. 35.2)."),
        "",
    ),
    (
        _("Avis des personnes concernées"),
        _("Le conseil de la vie sociale peut être consulté (art. 35.9)."),
        "",
    ),
    (
        _("Validation par le responsable de traitement"),
        _("La direction nationale valide et date l'analyse ; à revoir à chaque changement."),
        "",
    ),
)
