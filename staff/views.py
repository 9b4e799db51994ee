"""Thin views: parse the request, ask a selector, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.roles import staff_only

from . import selectors


@login_required
@staff_only
@require_safe
def home(request):
    """Staff's start page: what waits for them, each with how many and where to act on it."""
    return render(request, "staff/home.html", {"page": selectors.start_page()})
