from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

COMING = [
    _("Reports, for instance on a municipality's strategy for neighbourhood enterprises."),
    _("Frequently asked questions about starting and running a neighbourhood enterprise."),
    _("Articles, interviews and case descriptions of pioneers, as PDF."),
    _("One search over everything, in Dutch."),
]


def index(request):
    """The knowledge base's entry page."""
    return render(request, "knowledge/index.html", {"coming": COMING})
