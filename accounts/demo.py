"""Fictional demo accounts, one per role, all with a verified e-mail address."""

from allauth.account.models import EmailAddress

from .models import User
from .roles import MUNICIPAL_GROUP, ensure_roles, make_staff

DEMO_PASSWORD = "wijk-demo-2026"  # noqa: S105 - fictional local demo accounts, documented in README

DEMO_USERS = [
    # email, first name, last name, role
    ("medewerker@example.org", "Sanne", "de Wit", "staff"),
    ("ambtenaar@example.org", "Ruben", "Verhoef", "municipal"),
    ("bewoner@example.org", "Fatima", "El Amrani", "resident"),
]


def seed(log) -> None:
    groups = ensure_roles()
    for email, first_name, last_name, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == "staff":
            make_staff(user)
        elif role == "municipal":
            user.groups.add(groups[MUNICIPAL_GROUP])
        if created:
            log(f"Demo account {email} ({role})")
