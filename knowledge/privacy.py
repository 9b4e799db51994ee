"""What the knowledge base keeps about a person, found by their verified addresses: the
newsletter subscription, report requests and advice requests; and how long it keeps them."""

from __future__ import annotations

from django.conf import settings
from django.db.models.functions import Lower
from django.utils.translation import ngettext

from lsa_portal import privacy

from . import services
from .models import AdviceRequest, ReportRequest, Subscriber


def _by_address(model, addresses):
    return model.objects.annotate(lowered_email=Lower("email")).filter(lowered_email__in=addresses)


def export(user, addresses) -> dict:
    subscriptions = _by_address(Subscriber, addresses).order_by("email")
    return {
        "newsletter": [
            {
                "email": item.email,
                "name": item.name,
                "confirmed": item.confirmed,
                "subscribed_at": item.created_at,
                "confirmed_at": item.confirmed_at,
            }
            for item in subscriptions
        ],
        "report_requests": [
            {
                "report": item.report.title,
                "name": item.name,
                "email": item.email,
                "organisation": item.organisation,
                "role": item.role,
                "requested_at": item.created_at,
                "first_download": item.downloaded_at,
            }
            for item in _by_address(ReportRequest, addresses).select_related("report")
        ],
        "advice_requests": [
            {
                "name": item.name,
                "email": item.email,
                "organisation": item.organisation,
                "topic": item.topic,
                "message": item.message,
                "received_at": item.created_at,
            }
            for item in _by_address(AdviceRequest, addresses)
        ],
    }


def erase(user, addresses) -> None:
    """The subscription and report requests go; an advice request stays in the staff inbox as
    the organisation's question, without the person's name and address."""
    _by_address(Subscriber, addresses).delete()
    _by_address(ReportRequest, addresses).delete()
    _by_address(AdviceRequest, addresses).update(name="", email="")


privacy.register_section("knowledge", export=export, erase=erase)
privacy.register_retention(
    "report-requests",
    lambda: (
        ngettext(
            "Report requests (name, e-mail address, organisation) are deleted after %(days)d day.",
            "Report requests (name, e-mail address, organisation) are deleted after %(days)d days.",
            settings.KNOWLEDGE_REQUEST_RETENTION_DAYS,
        )
        % {"days": settings.KNOWLEDGE_REQUEST_RETENTION_DAYS}
        + " "
        + ngettext(
            "The download link in the mail works for %(days)d day.",
            "The download link in the mail works for %(days)d days.",
            settings.KNOWLEDGE_DOWNLOAD_LINK_DAYS,
        )
        % {"days": settings.KNOWLEDGE_DOWNLOAD_LINK_DAYS}
    ),
    services.delete_expired_requests,
)
privacy.register_retention(
    "unconfirmed-newsletter",
    lambda: (
        ngettext(
            "Newsletter sign-ups that were never confirmed are deleted after %(days)d day.",
            "Newsletter sign-ups that were never confirmed are deleted after %(days)d days.",
            services.CONFIRM_DAYS,
        )
        % {"days": services.CONFIRM_DAYS}
    ),
    services.delete_unconfirmed_subscribers,
)
