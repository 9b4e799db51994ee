"""The portal's roles as Django groups, and the permissions each role holds.

Any verified user is a resident; two groups add to that: LSA staff and municipal officers.
``ensure_roles()`` is idempotent; it runs after every ``migrate`` and as ``manage.py setup_roles``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from lsa_portal import audit

if TYPE_CHECKING:
    from .models import User

STAFF_GROUP = "LSA-medewerker"
MUNICIPAL_GROUP = "Gemeente"

# app label -> the actions staff may take on every model of that app.
STAFF_APP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "enterprises": ("view", "add", "change", "delete"),
    "pioneers": ("view", "add", "change", "delete"),
    "knowledge": ("view", "add", "change", "delete"),
    "municipalities": ("view", "add", "change", "delete"),
    # Rounds and editions change through the staff pages (services); the admin only shows them.
    "monitor": ("view",),
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


ROLE_GROUPS = (STAFF_GROUP, MUNICIPAL_GROUP)


def _group_names(user) -> frozenset[str]:
    """The user's role groups, read once per request (pages ask several times); the request's
    user comes with them already (``user_with_roles``)."""
    if not hasattr(user, "_portal_groups"):
        user._portal_groups = frozenset(
            user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True)
        )
    return user._portal_groups


@functools.cache
def _user_with_roles_sql() -> str:
    """SELECT the user and, for each role group, whether the user is in it. Written out once:
    the ORM would spend more time building this query than the database spends answering it,
    on every request of a logged-in visitor."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    quote = connection.ops.quote_name
    model = get_user_model()
    through = model.groups.through._meta
    user_column = quote(through.get_field("user").column)
    group_column = quote(through.get_field("group").column)
    pk_column = quote(model._meta.pk.column)
    # Only quoted table and column names of the models go into the text; values are parameters.
    flags = ", ".join(
        f"EXISTS (SELECT 1 FROM {quote(through.db_table)} m"  # noqa: S608
        f" INNER JOIN {quote(Group._meta.db_table)} g ON g.{quote(Group._meta.pk.column)}"
        f" = m.{group_column} WHERE m.{user_column} = u.{pk_column} AND g.{quote('name')} = %s)"
        f" AS {quote(f'_in_role_{number}')}"
        for number in range(len(ROLE_GROUPS))
    )
    table = quote(model._meta.db_table)
    return f"SELECT u.*, {flags} FROM {table} u WHERE u.{pk_column} = %s"  # noqa: S608


def user_with_roles(pk: Any) -> User | None:
    """The user with this primary key and their role groups, in one query; None if there is
    none. The authentication backends load the user of every request this way."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    found = list(model._default_manager.raw(_user_with_roles_sql(), [*ROLE_GROUPS, pk]))
    if not found:
        return None
    user = found[0]
    user._portal_groups = frozenset(
        name for number, name in enumerate(ROLE_GROUPS) if getattr(user, f"_in_role_{number}")
    )
    return user


def is_lsa_staff(user) -> bool:
    """Staff of the association: the staff group, or a superuser."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or STAFF_GROUP in _group_names(user)


def require_staff(user) -> None:
    """For a view that checks inside (after its method and log-in decorators): a staff page
    does not exist for anyone else (404)."""
    if not is_lsa_staff(user):
        raise Http404


def staff_only(view):
    """Staff pages exist for staff alone: 404 for everyone else, whatever the method (checked
    before the method, so a page that takes only POST says nothing either). Put
    ``login_required`` before it, so that a visitor who is not logged in is asked to."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_lsa_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


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
