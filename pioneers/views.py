from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

COMING = [
    _("What the programme offers pioneers: expertise and process support, no money."),
    _("The six criteria and how to apply on behalf of your enterprise."),
    _("The current pioneers and the lessons they share with the movement."),
]


def index(request):
    """The public page of the WijkBV programme."""
    return render(request, "pioneers/index.html", {"coming": COMING})
