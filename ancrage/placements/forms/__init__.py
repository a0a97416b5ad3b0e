"""The placements app's forms: one module per part (measures and documents, admissions, moves
and judge notices, visits) and the fields they share. Rules live in the services; forms parse
and show errors. Their names are re-exported here, so that
`from ancrage.placements.forms import ...` keeps working for the apps above."""

from ancrage.placements.forms.admissions import (
    AcceptAdmissionForm,
    AdmissionRequestForm,
    ChildFormSet,
    DeclineAdmissionForm,
)
from ancrage.placements.forms.fields import DATE, DATE_TIME, HouseChoiceField, SeparationFields
from ancrage.placements.forms.measures import DocumentForm, MeasureForm
from ancrage.placements.forms.moves import ExitForm, JudgeInformedForm, MoveForm
from ancrage.placements.forms.visits import VisitForm, VisitOutcomeForm, VisitRightForm

__all__ = [
    "DATE",
    "DATE_TIME",
    "AcceptAdmissionForm",
    "AdmissionRequestForm",
    "ChildFormSet",
    "DeclineAdmissionForm",
    "DocumentForm",
    "ExitForm",
    "HouseChoiceField",
    "JudgeInformedForm",
    "MeasureForm",
    "MoveForm",
    "SeparationFields",
    "VisitForm",
    "VisitOutcomeForm",
    "VisitRightForm",
]
