"""O2R: the programme, outreach (repérage), contacts, beneficiaries with their eligibility and
priority-public flags, remobilisation activities, the accompaniment of 9 months (12 with a
reason), exits and follow-ups, and referrals from the villages. Each part keeps its models in its
own module, imported here so Django finds them."""

from ancrage.insertion.models.accompaniment import (  # noqa: F401
    Accompaniment,
    AccompanimentAction,
    Barrier,
    BarrierUpdate,
    Objective,
    PartnerReferral,
    TraineeRemuneration,
)
from ancrage.insertion.models.activity import Activity, Attendance  # noqa: F401
from ancrage.insertion.models.beneficiary import (  # noqa: F401
    SITUATION_FIELDS,
    Beneficiary,
    Eligibility,
    Exit,
    FollowUp,
)
from ancrage.insertion.models.outreach import Contact, OutreachAction  # noqa: F401
from ancrage.insertion.models.programme import (  # noqa: F401
    ACCOMPANIMENT_MONTHS,
    AGE_FLAGS,
    AGREEMENT_YEARS,
    ALERT_DAYS_BEFORE_LIMIT,
    DERIVED_FLAGS,
    EXTENDED_ACCOMPANIMENT_MONTHS,
    MINIMUM_AGREEMENT_EUROS,
    NO_CONTACT_MONTHS,
    TYPED_FLAGS,
    PriorityPublic,
    Programme,
    Target,
)
from ancrage.insertion.models.referral import VillageReferral  # noqa: F401
from ancrage.insertion.models.summary import (  # noqa: F401
    ReportChange,
    ReportChangeTally,
    ReportSummary,
    Tally,
)
