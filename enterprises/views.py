from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

COMING = [
    _("A directory of neighbourhood enterprises, searchable by name, place, kind and theme."),
    _("A profile of each enterprise: its mission, assets and income mix over the years."),
    _("Residents register their own initiative and keep it up to date with co-members."),
    _("The benchmark: how income, staff and volunteers compare across enterprises."),
]


def index(request):
    """The directory's front page."""
    return render(request, "enterprises/index.html", {"coming": COMING})
