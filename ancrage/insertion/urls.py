from django.urls import path

from ancrage.insertion import views

app_name = "insertion"
urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/nouveau/", views.programme_add, name="programme_add"),
    path("programmes/<int:pk>/modifier/", views.programme_edit, name="programme_edit"),
    path("reperage/", views.outreach_list, name="outreach_list"),
    path("reperage/nouvelle/", views.outreach_add, name="outreach_add"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/nouveau/", views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/convertir/", views.contact_convert, name="contact_convert"),
    path("beneficiaires/", views.beneficiaries, name="beneficiaries"),
    path("beneficiaires/<int:pk>/", views.beneficiary, name="beneficiary"),
    path("beneficiaires/<int:pk>/eligibilite/", views.eligibility, name="eligibility"),
    path(
        "beneficiaires/<int:pk>/accompagnement/",
        views.accompaniment_open,
        name="accompaniment_open",
    ),
    path("beneficiaires/<int:pk>/prolonger/", views.extend, name="extend"),
    path("beneficiaires/<int:pk>/freins/", views.barrier, name="barrier"),
    path("beneficiaires/<int:pk>/objectifs/", views.objective, name="objective"),
    path("beneficiaires/<int:pk>/actions/", views.action, name="action"),
    path("actions/<int:pk>/faite/", views.action_done, name="action_done"),
    path("objectifs/<int:pk>/clore/", views.objective_close, name="objective_close"),
    path("beneficiaires/<int:pk>/orientations/", views.partner_referral, name="partner_referral"),
    path("beneficiaires/<int:pk>/remuneration/", views.remuneration, name="remuneration"),
    path("beneficiaires/<int:pk>/sortie/", views.exit_, name="exit"),
    path("suivis/<int:pk>/", views.follow_up, name="follow_up"),
    path("activites/", views.activities, name="activities"),
    path("activites/nouvelle/", views.activity_add, name="activity_add"),
    path("orientations-villages/", views.referrals, name="referrals"),
    path(
        "orientations-villages/<int:pk>/accueillir/", views.referral_accept, name="referral_accept"
    ),
    path("personnes/<str:reference>/orienter/", views.refer, name="refer"),
    path("rapport/", views.activity_report, name="report"),
    path("rapport/rapport-o2r.xlsx", views.activity_report_xlsx, name="report_xlsx"),
    path("rapport/rapport-o2r.pdf", views.activity_report_pdf, name="report_pdf"),
]
