from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.index, name="index"),
    path("aanmelden/", views.register, name="register"),
    path("mijn/", views.mine, name="mine"),
    path("benchmark/", views.benchmark, name="benchmark"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("beoordelen/", views.review_queue, name="review_queue"),
    path("importeren/", views.import_start, name="import"),
    path("importeren/sjabloon.xlsx", views.import_template_xlsx, name="import_template_xlsx"),
    path("importeren/sjabloon.csv", views.import_template_csv, name="import_template_csv"),
    path("importeren/<int:pk>/", views.import_preview, name="import_preview"),
    path("importeren/<int:pk>/bevestigen/", views.import_confirm, name="import_confirm"),
    path("importeren/<int:pk>/verwerpen/", views.import_discard, name="import_discard"),
    path("uitnodiging/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.profile, name="profile"),
    path("<slug:slug>/bewerken/", views.edit, name="edit"),
    path("<slug:slug>/indienen/", views.submit, name="submit"),
    path("<slug:slug>/bezit/", views.assets, name="assets"),
    path("<slug:slug>/bezit/nieuw/", views.asset_form, name="asset_add"),
    path("<slug:slug>/bezit/<int:pk>/", views.asset_form, name="asset_edit"),
    path("<slug:slug>/bezit/<int:pk>/verwijderen/", views.asset_delete, name="asset_delete"),
    path("<slug:slug>/cijfers/", views.figures_list, name="figures"),
    path("<slug:slug>/cijfers/nieuw/", views.figures_form, name="figures_add"),
    path("<slug:slug>/cijfers/<int:year>/", views.figures_form, name="figures_edit"),
    path("<slug:slug>/leden/", views.members, name="members"),
    path("<slug:slug>/leden/<int:pk>/verwijderen/", views.member_remove, name="member_remove"),
    path("<slug:slug>/leden/<int:pk>/rol/", views.member_role, name="member_role"),
    path(
        "<slug:slug>/uitnodigingen/<int:pk>/intrekken/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<slug:slug>/archiveren/", views.archive, name="archive"),
    path("<slug:slug>/beoordelen/", views.review, name="review"),
]
