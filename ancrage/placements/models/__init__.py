"""Placements: each part of the app keeps its models in its own module, imported here so Django
finds them and other apps import them from `ancrage.placements.models` (measures and their
documents; admission requests; stays and separations of siblings; the judge's notices; family
visits)."""

from ancrage.placements.models.admissions import AdmissionRequest  # noqa: F401
from ancrage.placements.models.co_placement import (  # noqa: F401
    CoPlacementFigure,
    CoPlacementState,
)
from ancrage.placements.models.measures import MeasureDocument, ProtectionMeasure  # noqa: F401
from ancrage.placements.models.moves import JudgeNotification  # noqa: F401
from ancrage.placements.models.stays import SiblingSeparation, Stay  # noqa: F401
from ancrage.placements.models.visits import Visit, VisitRight  # noqa: F401
