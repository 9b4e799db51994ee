"""The portal's URLs plus one view that fails, to see the 500 page as a visitor would."""

from django.urls import path

from lsa_portal.urls import urlpatterns as portal_urlpatterns


def crash(request):
    raise RuntimeError("geheime details uit de stack trace")


urlpatterns = [path("kapot/", crash), *portal_urlpatterns]
