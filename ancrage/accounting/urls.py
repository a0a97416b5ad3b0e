from django.urls import path

from ancrage.accounting import views

app_name = "accounting"
urlpatterns = [
    path("", views.home, name="home"),
    path("sections/nouvelle/", views.section_add, name="section_add"),
    path("sections/<int:pk>/modifier/", views.section_edit, name="section_edit"),
    path("conventions/nouvelle/", views.agreement_add, name="agreement_add"),
    path("conventions/<int:pk>/modifier/", views.agreement_edit, name="agreement_edit"),
    path("contrats/", views.contracts, name="contracts"),
    path("contrats/nouveau/", views.contract_add, name="contract_add"),
    path("contrats/<int:pk>/modifier/", views.contract_edit, name="contract_edit"),
    path("ecritures/", views.imports, name="imports"),
    path("ecritures/importer/", views.import_start, name="import_start"),
    path("categories/", views.categories, name="categories"),
    path("categories/creer/", views.categories_default, name="categories_default"),
    path("categories/<int:pk>/eligibilite/", views.category_edit, name="category_edit"),
    path("repartition/", views.figures, name="figures"),
    path("repartition/calculer/", views.allocate, name="allocate"),
    path("repartition/export.csv", views.export_csv, name="export_csv"),
    path("repartition/<int:pk>/<int:year>/<int:month>/", views.trace, name="trace"),
    path("temps/", views.my_time, name="my_time"),
    path("temps/<int:year>/<int:month>/", views.time_sheet, name="time_sheet"),
    path("temps/a-approuver/", views.approvals, name="approvals"),
    path("temps/<int:pk>/approuver/", views.approve, name="approve"),
    path("temps/<int:pk>/renvoyer/", views.send_back, name="send_back"),
]
urlpatterns += [
    path("budgets/", views.budgets, name="budgets"),
    path("budgets/<int:pk>/<int:year>/", views.budget, name="budget"),
    path("budgets/<int:pk>/<int:year>/modifier/", views.budget_edit, name="budget_edit"),
    path("budgets/programme/<int:pk>/arreter/", views.budget_arrest, name="budget_arrest"),
    path("compte-rendu/", views.financial_reports, name="financial_reports"),
    path("compte-rendu/<int:pk>/<int:number>/", views.financial_report, name="financial_report"),
    path(
        "compte-rendu/<int:pk>/<int:number>/compte-rendu.xlsx",
        views.financial_report_xlsx,
        name="financial_report_xlsx",
    ),
    path(
        "compte-rendu/<int:pk>/<int:number>/compte-rendu.pdf",
        views.financial_report_pdf,
        name="financial_report_pdf",
    ),
]
