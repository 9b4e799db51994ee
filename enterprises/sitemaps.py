"""Published enterprises in /sitemap.xml."""

from django.contrib.sitemaps import Sitemap

from .selectors import published


class EnterpriseSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 5000

    def items(self):
        return published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, enterprise):
        return enterprise.updated_at
