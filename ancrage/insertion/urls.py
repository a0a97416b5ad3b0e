from django.urls import path

from ancrage.insertion.views import (
    accompaniment,
    activity,
    beneficiary,
    outreach,
    programme,
    referral,
    report,
)

app_name = "insertion"
urlpatterns = [
    path("", programme.home, name="home"),
    path("programmes/nouveau/", programme.programme_add, name="programme_add"),
    path("programmes/<int:pk>/modifier/", programme.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/objectifs/", programme.targets, name="targets"),
    path("reperage/", outreach.outreach_list, name="outreach_list"),
    path("reperage/nouvelle/", outreach.outreach_add, name="outreach_add"),
    path("contacts/", outreach.contacts, name="contacts"),
    path("contacts/nouveau/", outreach.contact_add, name="contact_add"),
    path("contacts/<int:pk>/convertir/", outreach.contact_convert, name="contact_convert"),
    path("beneficiaires/", beneficiary.beneficiaries, name="beneficiaries"),
    path("beneficiaires/<int:pk>/", beneficiary.beneficiary, name="beneficiary"),
    path("beneficiaires/<int:pk>/eligibilite/", beneficiary.eligibility, name="eligibility"),
    path("beneficiaires/<int:pk>/situation/", beneficiary.situation, name="situation"),
    path(
        "beneficiaires/<int:pk>/accompagnement/",
        accompaniment.accompaniment_open,
        name="accompaniment_open",
    ),
    path("beneficiaires/<int:pk>/prolonger/", accompaniment.extend, name="extend"),
    path("beneficiaires/<int:pk>/freins/", accompaniment.barrier, name="barrier"),
    path("beneficiaires/<int:pk>/objectifs/", accompaniment.objective, name="objective"),
    path("beneficiaires/<int:pk>/actions/", accompaniment.action, name="action"),
    path("actions/<int:pk>/faite/", accompaniment.action_done, name="action_done"),
    path("objectifs/<int:pk>/clore/", accompaniment.objective_close, name="objective_close"),
    path(
        "beneficiaires/<int:pk>/orientations/",
        accompaniment.partner_referral,
        name="partner_referral",
    ),
    path("beneficiaires/<int:pk>/remuneration/", accompaniment.remuneration, name="remuneration"),
    path("beneficiaires/<int:pk>/sortie/", beneficiary.exit_, name="exit"),
    path("suivis/<int:pk>/", beneficiary.follow_up, name="follow_up"),
    path("activites/", activity.activities, name="activities"),
    path("activites/nouvelle/", activity.activity_add, name="activity_add"),
    path("orientations-villages/", referral.referrals, name="referrals"),
    path(
        "orientations-villages/<int:pk>/accueillir/",
        referral.referral_accept,
        name="referral_accept",
    ),
    path("personnes/<str:reference>/orienter/", referral.refer, name="refer"),
    path("rapport/", report.activity_report, name="report"),
    path("rapport/rapport-o2r.xlsx", report.activity_report_xlsx, name="report_xlsx"),
    path("rapport/rapport-o2r.pdf", report.activity_report_pdf, name="report_pdf"),
]
