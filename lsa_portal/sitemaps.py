"""The portal's own fixed pages in /sitemap.xml (each app adds its own sitemaps in urls.py)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PortalPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> list[str]:
        return ["home", "enterprises:index", "pioneers:index", "privacy_statement", "cookies"]

    def location(self, item: str) -> str:
        return reverse(item)
