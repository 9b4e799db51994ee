"""The portal's authentication backends: Django's and allauth's, except that loading the user
of a request reads the user's role groups in the same query (every page asks for the roles:
the menu, permissions, cached fragments per role), so no page needs a second query for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .roles import user_with_roles

if TYPE_CHECKING:
    from .models import User


class _RolesWithTheUser(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_RolesWithTheUser, DjangoModelBackend):
    """Log-in with e-mail address and password (Django's backend)."""


class AuthenticationBackend(_RolesWithTheUser, AllauthBackend):
    """allauth's log-in flows (e-mail confirmation, sign-up)."""
