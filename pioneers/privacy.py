"""What the WijkBV programme keeps about a person: the applications they started, handed in
or are the contact person of, and (for staff) the scores, notes and readings they wrote."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower

from lsa_portal import privacy

from . import caches
from .models import Application, LogEntry, Reading, ReviewScore


def _contact_of(addresses):
    return Application.objects.annotate(lowered_email=Lower("contact_email")).filter(
        lowered_email__in=addresses
    )


def export(user, addresses) -> dict:
    contact_ids = _contact_of(addresses).values("pk")
    applications = (
        Application.objects.filter(
            Q(created_by=user) | Q(submitted_by=user) | Q(pk__in=contact_ids)
        )
        .select_related("enterprise", "cohort")
        .order_by("created_at")
    )
    return {
        "applications": [
            {
                "enterprise": item.enterprise.name,
                "cohort": item.cohort.name,
                "status": item.status,
                "started_by_me": item.created_by_id == user.pk,
                "submitted_by_me": item.submitted_by_id == user.pk,
                "created_at": item.created_at,
                "submitted_at": item.submitted_at,
                "decided_at": item.decided_at,
                "contact_name": item.contact_name,
                "contact_email": item.contact_email,
                "contact_phone": item.contact_phone,
            }
            for item in applications
        ],
        "review_scores": [
            {
                "application": str(item.application),
                "criterion": item.criterion,
                "score": item.score,
                "comment": item.comment,
            }
            for item in ReviewScore.objects.filter(reviewer=user).select_related(
                "application__enterprise", "application__cohort"
            )
        ],
        "log_entries_written": [
            {"pioneer": str(item.pioneer), "kind": item.kind, "date": item.date}
            for item in LogEntry.objects.filter(author=user).select_related("pioneer__enterprise")
        ],
        "mengpaneel_readings_taken": [
            {"pioneer": str(item.pioneer), "date": item.taken_on}
            for item in Reading.objects.filter(taken_by=user).select_related("pioneer__enterprise")
        ],
    }


def erase(user, addresses) -> None:
    """Applications stay with their enterprise (who started them is forgotten by the foreign
    keys); the person's contact details go from those that name them."""
    _contact_of(addresses).update(contact_name="", contact_email="", contact_phone="")
    caches.programme_changed()  # update() sends no post_save


privacy.register_section("programme", export=export, erase=erase)
