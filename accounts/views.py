import json

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import services
from .forms import DeleteAccountForm
from .roles import is_lsa_staff, is_municipal_officer


@login_required
@require_safe
def profile(request):
    """The account page: who I am here, my roles, and where to manage the account."""
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {"is_lsa_staff": is_lsa_staff(user), "is_municipal_officer": is_municipal_officer(user)},
    )


def _privacy_page(request, form, status=200):
    return render(
        request,
        "accounts/privacy.html",
        {
            "form": form,
            "blockers": services.deletion_blockers(request.user),
            "account_stays": services.account_stays(request.user),
        },
        status=status,
    )


@login_required
@require_safe
def privacy(request):
    """My data: download everything the portal keeps about me, or delete my account."""
    return _privacy_page(request, DeleteAccountForm())


@login_required
@require_POST
def privacy_export(request):
    """Everything the portal keeps about me, as one JSON file."""
    data = services.export_personal_data(by=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"mijn-gegevens-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def delete_account(request):
    """Delete my account after entering my password again; then I am logged out."""
    form = DeleteAccountForm(request.POST)
    # Guessing the password here counts against the same limit as changing it (allauth's).
    if not ratelimit.consume(request, action="change_password", user=request.user):
        form.add_error(None, _("Too many attempts. Wait a minute and try again."))
        return _privacy_page(request, form, status=429)
    if not form.is_valid():
        return _privacy_page(request, form)
    try:
        stayed = services.delete_account(by=request.user, password=form.cleaned_data["password"])
    except ValidationError as error:
        form.add_error("password", error)
        return _privacy_page(request, form)
    except services.DeletionBlocked:
        messages.error(request, _("Your account cannot be deleted yet: see what to do first."))
        return redirect("accounts:privacy")
    logout(request)
    if stayed:
        messages.success(
            request,
            _(
                "Your name, addresses and rights have been removed and the account is closed; "
                "your work for the association stays as that of a former staff member. Goodbye!"
            ),
        )
    else:
        messages.success(
            request, _("Your account and your personal data have been deleted. Goodbye!")
        )
    return redirect("home")
