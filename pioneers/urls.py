from django.urls import path

from . import views

app_name = "pioneers"
urlpatterns = [
    path("", views.index, name="index"),
    path("aanmelden/", views.apply, name="apply"),
    path("aanmeldingen/<int:pk>/", views.application, name="application"),
    path("beoordelen/", views.review_list, name="review_list"),
    path("beoordelen/<int:pk>/", views.review, name="review"),
    path("experts/", views.experts, name="experts"),
    path("experts/<int:pk>/", views.expert, name="expert"),
    path("mengpaneel/<slug:element_slug>/", views.compare, name="compare"),
    path("pioniers/", views.dashboard, name="dashboard"),
    path("pioniers/<slug:slug>/", views.pioneer, name="pioneer"),
    path("pioniers/<slug:slug>/bewerken/", views.pioneer_edit, name="pioneer_edit"),
    path("pioniers/<slug:slug>/logboek/", views.log, name="log"),
    path("pioniers/<slug:slug>/logboek/nieuw/", views.log_new, name="log_new"),
    path("pioniers/<slug:slug>/mengpaneel/", views.history, name="history"),
    path("pioniers/<slug:slug>/mengpaneel/nieuw/", views.reading_new, name="reading_new"),
    path("pioniers/<slug:slug>/mengpaneel/element/", views.element_new, name="element_new"),
    path("pioniers/<slug:slug>/mijlpalen/nieuw/", views.milestone_form, name="milestone_new"),
    path("pioniers/<slug:slug>/mijlpalen/<int:pk>/", views.milestone_form, name="milestone_edit"),
    path("pioniers/<slug:slug>/ondersteuning/nieuw/", views.support_form, name="support_new"),
    path("pioniers/<slug:slug>/ondersteuning/<int:pk>/", views.support_form, name="support_edit"),
    path("pioniers/<slug:slug>/lessen/", views.lessons, name="lessons"),
    path("pioniers/<slug:slug>/lessen/nieuw/", views.lesson_new, name="lesson_new"),
    path(
        "pioniers/<slug:slug>/lessen/<int:pk>/publiceren/",
        views.lesson_publish,
        name="lesson_publish",
    ),
]
