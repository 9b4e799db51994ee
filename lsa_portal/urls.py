"""The one place where the apps are tied together."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api.views import open_data
from enterprises.sitemaps import EnterpriseSitemap
from knowledge.sitemaps import SITEMAPS

from . import health, uploads, views
from .sitemaps import PortalPagesSitemap

admin.site.site_header = _("Neighbourhood enterprises · management")
admin.site.site_title = _("Neighbourhood enterprises")
admin.site.index_title = _("Management")

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health.health, name="health"),
    path("privacyverklaring/", views.privacy_statement, name="privacy_statement"),
    path("cookies/", views.cookies, name="cookies"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("wijkondernemingen/", include("enterprises.urls")),
    path("wijkbv/", include("pioneers.urls")),
    path("kennisbank/", include("knowledge.urls")),
    path("gemeenten/", include("municipalities.urls")),
    path("monitor/", include("monitor.urls")),
    path("medewerkers/", include("staff.urls")),
    # The read-only open-data API: its own errors, headers and no trailing slashes (api/).
    path("api/v1/", open_data.urls),
    path(
        "sitemap.xml",
        sitemap,
        {
            "sitemaps": {
                "portaal": PortalPagesSitemap,
                "wijkondernemingen": EnterpriseSitemap,
                **SITEMAPS,
            }
        },
        name="sitemap",
    ),
    # Uploaded logos and covers, in development and production alike: only the public folders,
    # only images, with nosniff and a sandbox. PDFs go through their own views.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", uploads.serve_public, name="media"),
]
