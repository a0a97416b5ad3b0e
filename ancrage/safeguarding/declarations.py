"""The declaration to the authority of a serious malfunction or event (CASF L331-8-1, arrêté du
28 décembre 2016): its mandated content, as a PDF (WeasyPrint) and as a plain-text e-mail body.

The documents give the number of victims with their age and sex, never a child's name: the
authority asks for the facts, and the PDF travels by e-mail."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ancrage.kernel.documents import render_pdf
from ancrage.safeguarding.models import Declaration, Incident, IncidentChild, Transmission

STYLESHEET = Path(__file__).resolve().parent / "templates" / "safeguarding" / "declaration_pdf.css"


def transmitted(incident: Incident, kind: str) -> bool:
    """Whether a transmission of that kind is recorded for the incident: read from the
    annotations `transmitted_<kind>` of the page's query (no query of its own) when present."""
    annotated = getattr(incident, f"transmitted_{kind}", None)
    if annotated is not None:
        return annotated
    return incident.transmissions.filter(kind=kind).exists()


def follow_up(incident: Incident) -> list[str]:
    """The administrative or judicial follow-up, from the transmissions recorded."""
    lines = []
    if transmitted(incident, Transmission.Kind.INFORMATION_PREOCCUPANTE):
        lines.append(
            _(
                "Information préoccupante transmise à la cellule de recueil des informations "
                "préoccupantes (CRIP) du département."
            )
        )
    if transmitted(incident, Transmission.Kind.SIGNALEMENT):
        lines.append(
            _(
                "Signalement au procureur de la République, avec copie au président du conseil "
                "départemental."
            )
        )
    if not lines:
        lines.append(_("Aucune suite administrative ou judiciaire engagée à ce jour."))
    return lines


def addressees(incident: Incident, declaration: Declaration | None) -> list[str]:
    departement = incident.establishment.departement
    lines = [
        _("Monsieur le Président ou Madame la Présidente du conseil départemental (%(dep)s)")
        % {"dep": departement}
    ]
    if declaration is not None and declaration.justice_habilitation:
        lines.append(_("Monsieur ou Madame le Préfet (%(dep)s)") % {"dep": departement})
    return lines


def victims(involved: list[IncidentChild], on) -> list[str]:
    """Each victim as age and sex, without a name."""
    rows = []
    for child in involved:
        if child.role != IncidentChild.Role.VICTIM:
            continue
        age = child.person.age(on)
        sex = child.person.get_sex_display()
        rows.append(
            ngettext("%(age)s an, %(sex)s", "%(age)s ans, %(sex)s", age) % {"age": age, "sex": sex}
            if age is not None
            else str(sex)
        )
    return rows


def content(incident: Incident, declaration: Declaration | None, involved) -> dict:
    """The sections of the declaration, for the page, the PDF and the e-mail body. Without a
    declaration yet, the incident's own report fills the facts and the measures."""
    occurred_on = timezone.localdate(incident.occurred_at)
    victim_rows = victims(involved, occurred_on)
    return {
        "incident": incident,
        "declaration": declaration,
        "establishment": incident.establishment,
        "organisation": incident.establishment.organisation,
        "addressees": addressees(incident, declaration),
        "occurred_at": incident.occurred_at,
        "discovered_at": declaration.discovered_at if declaration else None,
        "facts": declaration.facts if declaration else incident.narrative,
        "measures_taken": (
            declaration.measures_taken if declaration else incident.immediate_measures or ""
        ),
        "media_impact": (declaration.media_impact or "") if declaration else "",
        "victims_count": len(victim_rows),
        "victims": victim_rows,
        "follow_up": follow_up(incident),
        "category": incident.get_category_display(),
        "severity": incident.get_severity_display(),
        "today": timezone.localdate(),
    }


def email_body(sections: dict) -> str:
    return render_to_string("safeguarding/declaration_email.txt", sections).strip() + "\n"


def pdf(sections: dict) -> bytes:
    return render_pdf("safeguarding/declaration_pdf.html", sections, stylesheet=STYLESHEET)
