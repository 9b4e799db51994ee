"""Pages that belong to the portal as a whole rather than to one app."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    """The front door: what the portal offers to each of its audiences."""
    return render(request, "home.html")
