"""The knowledge base in /sitemap.xml: its fixed pages and every public item."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import ItemKind
from .search import public_documents


class KnowledgePagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> list[str]:
        return [
            "knowledge:index",
            "knowledge:reports",
            "knowledge:articles",
            "knowledge:cases",
            "knowledge:faq",
            "knowledge:advice",
            "knowledge:newsletter",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class KnowledgeItemsSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 5000

    def items(self):
        # Questions live as anchors on the FAQ page, which the pages sitemap lists.
        return (
            public_documents()
            .exclude(kind=ItemKind.FAQ)
            .only("url", "published_at")
            .order_by("-published_at", "pk")
        )

    def location(self, item) -> str:
        return item.url

    def lastmod(self, item):
        return item.published_at


SITEMAPS = {"kennisbank": KnowledgePagesSitemap, "kennisbank-items": KnowledgeItemsSitemap}
