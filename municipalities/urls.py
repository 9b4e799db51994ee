from django.urls import path

from . import views

app_name = "municipalities"
urlpatterns = [
    path("", views.index, name="index"),
    path("koppelingen/", views.link_queue, name="link_queue"),
    path("koppelingen/<int:pk>/", views.link_decide, name="link_decide"),
    path("volgen/bevestigen/<str:token>/", views.follow_confirm, name="follow_confirm"),
    path("volgen/afmelden/<str:token>/", views.unfollow, name="unfollow"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/koppelen/", views.link_request, name="link_request"),
    path("<slug:slug>/gegevens.csv", views.export_csv, name="export_csv"),
    path("<slug:slug>/gegevens.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<slug:slug>/volgen/", views.follow, name="follow"),
    path("<slug:slug>/brief/", views.brief, name="brief"),
    path("<slug:slug>/brief/<int:pk>/", views.brief_status, name="brief_status"),
    path("<slug:slug>/brief/<int:pk>/pdf/", views.brief_download, name="brief_download"),
]
