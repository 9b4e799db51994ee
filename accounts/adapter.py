"""allauth's account adapter, where the portal differs from allauth's defaults."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from lsa_portal.mail import portal_site


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails greet with the portal's name and domain (``PORTAL_BASE_URL``), not
        with the host the request came in on."""
        super().send_mail(template_prefix, email, {"current_site": portal_site(), **context})
