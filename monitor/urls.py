from django.urls import path

from . import views

app_name = "monitor"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/rapport/", views.report_page, name="report"),
    path("rapport/<int:pk>/status/", views.report_status, name="report_status"),
    path("rapport/<int:pk>/pdf/", views.report_download, name="report_download"),
]
