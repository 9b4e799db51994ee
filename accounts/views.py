from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .roles import is_lsa_staff, is_municipal_officer


@login_required
@require_GET
def profile(request):
    """The account page: who I am here, my roles, and where to manage the account."""
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {"is_lsa_staff": is_lsa_staff(user), "is_municipal_officer": is_municipal_officer(user)},
    )
