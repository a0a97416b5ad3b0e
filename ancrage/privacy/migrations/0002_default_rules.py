"""The default retention rules, one per framework and per kind of trace, with their legal basis
(docs/decisions.md, 2026-12-05: the figures and their sources)."""

from django.db import migrations

RULES = [
    {
        "code": "child_file",
        "framework": "child_protection",
        "label": "Dossier de l'enfant accueilli (village d'enfants)",
        "starts_after": (
            "Dernier contact émanant de la personne (fin du séjour ou de la mesure, dernière "
            "observation du journal, dernier rendez-vous) ; jamais tant qu'une mesure ou un "
            "séjour est en cours"
        ),
        "active_months": 24,
        "outcome": "archive",
        "archive_months": 60,
        "legal_basis": (
            "CNIL, délibération n° 2022-008 du 20 janvier 2022 (référentiel protection de "
            "l'enfance et jeunes majeurs de moins de 21 ans) : base active jusqu'à deux ans "
            "après le dernier contact ; RGPD art. 6.1.c et 6.1.e, art. 9.2.b et 9.2.h ; CASF "
            "art. L. 221-1 et L. 223-1-1. Archivage intermédiaire cinq ans (prescription de "
            "droit commun, Code civil art. 2224), puis anonymisation."
        ),
        "position": 10,
    },
    {
        "code": "o2r_file",
        "framework": "o2r",
        "label": "Dossier du bénéficiaire O2R",
        "starts_after": "Sortie du dispositif ou dernier contact, la plus tardive des deux",
        "active_months": 24,
        "outcome": "anonymise",
        "archive_months": None,
        "legal_basis": (
            "CNIL, délibération n° 2021-028 du 11 février 2021 (référentiel accompagnement "
            "social) : deux ans après le dernier contact ; RGPD art. 6.1.e (mission d'intérêt "
            "public confiée par la convention O2R) et 6.1.a (consentement recueilli)."
        ),
        "position": 20,
    },
    {
        "code": "family_file",
        "framework": "family_programme",
        "label": "Dossier de la famille accompagnée (renforcement familial)",
        "starts_after": "Dernier contact émanant de la famille",
        "active_months": 24,
        "outcome": "anonymise",
        "archive_months": None,
        "legal_basis": (
            "CNIL, délibération n° 2021-028 du 11 février 2021 (référentiel accompagnement "
            "social) : deux ans après le dernier contact ; RGPD art. 6.1.e."
        ),
        "position": 30,
    },
    {
        "code": "staff_file",
        "framework": "staff",
        "label": "Dossier du salarié ou du bénévole",
        "starts_after": "Départ de la personne",
        "active_months": 60,
        "outcome": "anonymise",
        "archive_months": None,
        "legal_basis": (
            "CNIL, délibération n° 2019-160 du 21 novembre 2019 (référentiel gestion du "
            "personnel) : cinq ans après le départ ; Code du travail art. R. 1221-26 ; RGPD "
            "art. 6.1.b et 6.1.c."
        ),
        "position": 40,
    },
    {
        "code": "access_log",
        "framework": "traces",
        "label": "Journal des consultations",
        "starts_after": "Date de la consultation",
        "active_months": 12,
        "outcome": "purge",
        "archive_months": None,
        "legal_basis": (
            "CNIL, recommandation relative à la journalisation (délibération n° 2021-122) : "
            "six mois à un an ; RGPD art. 5.1.f et 32. La durée appliquée est le réglage "
            "ACCESS_LOG_RETENTION_MONTHS (6 à 12 mois)."
        ),
        "position": 50,
    },
    {
        "code": "change_audit",
        "framework": "traces",
        "label": "Historique des modifications",
        "starts_after": "Date de la modification",
        "active_months": 60,
        "outcome": "purge",
        "archive_months": None,
        "legal_basis": (
            "RGPD art. 5.2 et 24 (responsabilité : prouver qui a modifié quoi) ; cinq ans, "
            "prescription de droit commun (Code civil art. 2224). Les modifications d'un "
            "dossier anonymisé sont supprimées avec lui."
        ),
        "position": 60,
    },
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for rule in RULES:
        RetentionRule.objects.update_or_create(code=rule["code"], defaults=rule)


def unseed(apps, schema_editor):
    apps.get_model("privacy", "RetentionRule").objects.filter(
        code__in=[rule["code"] for rule in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
