"""allauth's adapter, where the portal changes what allauth does by default.

- allauth's mails greet with the portal's name and domain (``PORTAL_BASE_URL``), not with the
  host the request came in on.
- The visitor's address for allauth's limits per address is the portal's one rule for which
  proxies to believe (``lsa_portal.client_ip``), not allauth's own.
- After too many wrong passwords for an address, allauth refuses every password for that address
  for a while, the right one too: anyone could lock a resident out by guessing. The limit on
  guessing stays; the message says that a log-in code by e-mail still works (it goes to the
  address itself, so only its owner can use it) and links to it.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import passthrough_next_redirect_url
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from lsa_portal.client_ip import client_ip
from lsa_portal.mail import portal_site

LOCKED = "too_many_login_attempts"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {"current_site": portal_site(), **context})

    def get_client_ip(self, request) -> str:
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code != LOCKED:
                raise
            code_url = passthrough_next_redirect_url(
                request, reverse("account_request_login_code"), REDIRECT_FIELD_NAME
            )
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "Too many wrong passwords for this address: logging in with a password "
                        "is paused for a few minutes. You can log in right away with a code that "
                        "we send to the address:"
                    ),
                    code_url,
                    _("log in with a code by e-mail"),
                ),
                code=LOCKED,
            ) from error
