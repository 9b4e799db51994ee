from django.urls import path

from . import views

app_name = "pioneers"
urlpatterns = [
    path("", views.index, name="index"),
]
