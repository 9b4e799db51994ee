"""Every change of an officer's link to a municipality."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Municipality
from lsa_portal import audit

from . import permissions
from .models import LinkStatus, OfficerLink


def email_domain_matches(email: str, municipality: Municipality) -> bool:
    """Whether the address is on a domain like ``utrecht.nl`` for Utrecht: a hint for staff,
    never enough to approve a link on its own (anyone can register such a look-alike)."""
    domain = email.rpartition("@")[2].lower()
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    name = labels[-2]
    return name in {municipality.slug, municipality.slug.replace("-", "")}


def request_link(
    user, municipality: Municipality, *, job_title: str, motivation: str = ""
) -> OfficerLink:
    """An officer asks to be linked to a municipality; staff decide. Asking again after a
    rejection puts the request back in the queue."""
    if not permissions.can_request_link(user):
        raise ValidationError(_("Only municipal officers can ask to be linked to a municipality."))
    link, created = OfficerLink.objects.get_or_create(
        user=user,
        municipality=municipality,
        defaults={
            "job_title": job_title,
            "motivation": motivation,
            "domain_matches": email_domain_matches(user.email, municipality),
        },
    )
    if created:
        return link
    if link.status == LinkStatus.APPROVED:
        raise ValidationError(_("You are already linked to this municipality."))
    link.status = LinkStatus.REQUESTED
    link.job_title, link.motivation = job_title, motivation
    link.domain_matches = email_domain_matches(user.email, municipality)
    link.decided_at = link.decided_by = None
    link.save()
    return link


@transaction.atomic
def decide_link(link: OfficerLink, *, by, approve: bool) -> OfficerLink:
    """Staff approve or reject a requested link; the officer hears by mail."""
    if not permissions.can_decide_links(by):
        raise ValidationError(_("Only staff of the association decide on links."))
    if link.status != LinkStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    link.status = LinkStatus.APPROVED if approve else LinkStatus.REJECTED
    link.decided_at = timezone.now()
    link.decided_by = by
    link.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(
        by,
        audit.Action.OFFICER_LINK_DECIDED,
        link.municipality,
        officer=link.user_id,
        approved=approve,
    )
    page = settings.PORTAL_BASE_URL + reverse(
        "municipalities:detail", kwargs={"slug": link.municipality.slug}
    )
    if approve:
        subject = _("You are linked to the municipality of %(name)s") % {
            "name": link.municipality.name
        }
        body = _(
            "Staff of the association linked your account to %(name)s. On %(page)s you now see "
            "the contact persons of the enterprises that agreed, and you can download the data."
        ) % {"name": link.municipality.name, "page": page}
    else:
        subject = _("Your request for %(name)s was not approved") % {"name": link.municipality.name}
        body = _(
            "Staff of the association could not confirm that you work for %(name)s. Reply to "
            "this mail if you think this is a mistake."
        ) % {"name": link.municipality.name}
    email = link.user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return link


@transaction.atomic
def record_export(municipality: Municipality, *, by, file_format: str) -> None:
    """An officer downloads the municipality's data with the consented contact persons: the
    download is in the audit log."""
    audit.record(
        by, audit.Action.DATA_EXPORTED, municipality, export="municipality", format=file_format
    )
