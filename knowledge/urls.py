from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("zoeken/", views.search, name="search"),
    path("rapporten/", views.report_list, name="reports"),
    path("rapporten/<slug:slug>/", views.report_detail, name="report"),
    path("rapporten/<slug:slug>/download/", views.report_download, name="report_download"),
    path(
        "rapporten/<slug:slug>/download/<str:token>/",
        views.report_download_signed,
        name="report_download_signed",
    ),
    path("rapporten/<slug:slug>/aanvragen/", views.report_request, name="report_request"),
    path(
        "rapporten/<slug:slug>/aangevraagd/",
        views.report_request_sent,
        name="report_request_sent",
    ),
    path("veelgestelde-vragen/", views.faq, name="faq"),
    path("artikelen/", views.article_list, name="articles"),
    path("artikelen/<slug:slug>/", views.article_detail, name="article"),
    path("casussen/", views.case_list, name="cases"),
    path("casussen/<slug:slug>/", views.case_detail, name="case"),
    path("casussen/<slug:slug>/pdf/", views.case_pdf_download, name="case_pdf"),
    path("casussen/<slug:slug>/pdf/<int:pk>/", views.case_pdf_download, name="case_pdf_version"),
    path("casussen/<slug:slug>/pdf/maken/", views.case_pdf_generate, name="case_pdf_generate"),
    path("pdf-opdrachten/<int:pk>/", views.case_pdf_status, name="pdf_job_status"),
    path("casussen/programma/<slug:slug>/", views.cohort_pdfs, name="cohort_pdfs"),
    path("nieuwsbrief/", views.newsletter, name="newsletter"),
    path("nieuwsbrief/verstuurd/", views.newsletter_sent, name="newsletter_sent"),
    path(
        "nieuwsbrief/bevestigen/<str:token>/",
        views.newsletter_confirm,
        name="newsletter_confirm",
    ),
    path(
        "nieuwsbrief/afmelden/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("advies/", views.advice, name="advice"),
    path("advies/verstuurd/", views.advice_sent, name="advice_sent"),
    path("export/aanvragen.csv", views.export_requests, name="export_requests"),
    path("export/nieuwsbrief.csv", views.export_subscribers, name="export_subscribers"),
    path("feed/", views.LatestFeed(), name="feed"),
    path("feed/atom/", views.LatestAtomFeed(), name="feed_atom"),
]
