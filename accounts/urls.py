from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/mijn-gegevens.json", views.privacy_export, name="privacy_export"),
    path("privacy/verwijderen/", views.delete_account, name="delete_account"),
]
