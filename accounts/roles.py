"""The portal's roles as Django groups, and the permissions each role holds.

Any verified user is a resident; two groups add to that: LSA staff and municipal officers.
``ensure_roles()`` is idempotent; it runs after every ``migrate`` and as ``manage.py setup_roles``.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from lsa_portal import audit

STAFF_GROUP = "LSA-medewerker"
MUNICIPAL_GROUP = "Gemeente"

# app label -> the actions staff may take on every model of that app.
STAFF_APP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "enterprises": ("view", "add", "change", "delete"),
    "pioneers": ("view", "add", "change", "delete"),
    "knowledge": ("view", "add", "change", "delete"),
    "municipalities": ("view", "add", "change", "delete"),
    "account": ("view",),
    "accounts": ("view",),
    # The audit log: staff read it, nobody writes it by hand.
    "lsa_portal": ("view",),
}
MUNICIPAL_APP_PERMISSIONS: dict[str, tuple[str, ...]] = {}


def _permissions_for(app_actions: dict[str, tuple[str, ...]]):
    query = Q(pk__in=[])
    for app_label, actions in app_actions.items():
        codename = Q()
        for action in actions:
            codename |= Q(codename__startswith=f"{action}_")
        query |= Q(content_type__app_label=app_label) & codename
    return Permission.objects.filter(query)


def ensure_roles() -> dict[str, Group]:
    """Create the role groups and give them exactly their permissions."""
    groups = {}
    for name, app_actions in (
        (STAFF_GROUP, STAFF_APP_PERMISSIONS),
        (MUNICIPAL_GROUP, MUNICIPAL_APP_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions_for(app_actions))
        groups[name] = group
    return groups


def ensure_roles_after_migrate(sender, **kwargs) -> None:
    # Sent once per app; each app's permissions exist only after its own signal, so the groups
    # are brought up to date every time (a handful of queries).
    ensure_roles()


def _group_names(user) -> frozenset[str]:
    """The user's role groups, read once per request (pages ask several times)."""
    if not hasattr(user, "_portal_groups"):
        user._portal_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._portal_groups


def is_lsa_staff(user) -> bool:
    """Staff of the association: the staff group, or a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or STAFF_GROUP in _group_names(user)


def is_municipal_officer(user) -> bool:
    return user.is_authenticated and MUNICIPAL_GROUP in _group_names(user)


def role_snapshot(user) -> frozenset[str]:
    """The user's roles and access flags, to compare before and after a change."""
    flags = {flag for flag in ("is_active", "is_staff", "is_superuser") if getattr(user, flag)}
    return frozenset(flags | set(user.groups.values_list("name", flat=True)))


def record_role_change(by, user, before: frozenset[str], after: frozenset[str]) -> None:
    """An audit entry for a change of roles, if anything changed."""
    if before != after:
        audit.record(
            by,
            audit.Action.ROLES_CHANGED,
            user,
            added=sorted(after - before),
            removed=sorted(before - after),
        )


@transaction.atomic
def make_staff(user, *, by=None) -> None:
    """Give a user the staff role: the group, and access to the admin (in the audit log, by
    ``by``, or by the system when run from the shell or the demo data)."""
    before = role_snapshot(user)
    user.groups.add(ensure_roles()[STAFF_GROUP])
    user.__dict__.pop("_portal_groups", None)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    record_role_change(by, user, before, role_snapshot(user))
