from django.urls import path

from . import views

app_name = "monitor"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year, name="year"),
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
