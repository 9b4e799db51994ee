"""allauth's adapter, where the portal changes what allauth does by default."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from lsa_portal.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The visitor's address for allauth's limits per address: the portal's one rule for
        which proxies to believe (``lsa_portal.client_ip``), instead of allauth's own."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address
