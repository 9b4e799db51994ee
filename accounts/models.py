from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PortalUserManager(UserManager["User"]):
    """Users are identified by their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    # The e-mail address takes the username's place, Django's documented way for a user model
    # without a username; django-stubs types AbstractUser.objects as a UserManager, whose
    # create_user and create_superuser take a username first, so the overrides differ from it.
    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: resident, municipal officer or staff (roles are groups)."""

    # Django removes an inherited field of an abstract model when it is set to None; django-stubs
    # does not know that and keeps AbstractUser's username a str.
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    # Set when a (former) staff member was forgotten: the account stays, empty and inactive,
    # because the association's records (review scores) still refer to it.
    forgotten_at = models.DateTimeField(_("forgotten at"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[PortalUserManager] = PortalUserManager()

    # The user's role groups once read (accounts.roles, once per request); absent until then.
    _portal_groups: frozenset[str]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name if self.is_forgotten else self.get_full_name() or self.email

    @property
    def is_forgotten(self) -> bool:
        return self.forgotten_at is not None

    @property
    def display_name(self) -> str:
        if self.is_forgotten:
            return gettext("former staff member")
        return self.get_full_name() or self.email.split("@")[0]
