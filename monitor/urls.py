from django.urls import path

from . import views

app_name = "monitor"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/rapport/", views.report_page, name="report"),
    path("rapport/<int:pk>/status/", views.report_status, name="report_status"),
    path("rapport/<int:pk>/pdf/", views.report_download, name="report_download"),
    # Staff: the reporting rounds
    path("rondes/", views.rounds, name="rounds"),
    path("rondes/<int:year>/", views.round_detail, name="round"),
    path("rondes/<int:year>/afsluiten/", views.round_close, name="round_close"),
    path("rondes/<int:year>/correctie/", views.round_correction, name="round_correction"),
    path(
        "rondes/<int:year>/gecontroleerd/<int:pk>/",
        views.figures_checked,
        name="figures_checked",
    ),
    path(
        "rondes/<int:year>/niet-gereageerd.csv",
        views.round_non_respondents,
        name="round_non_respondents",
    ),
]
