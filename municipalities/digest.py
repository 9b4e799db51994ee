"""The monthly digest: what changed in a municipality last month, mailed to its followers.

Followers by e-mail confirm first (double opt-in, see ``services.follow_by_email``); every mail
carries a one-click unsubscribe link and the List-Unsubscribe headers. Nothing is sent for a
month without changes, and a follower gets each month at most once (``last_period``), so a
second run sends nothing again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, EnterpriseStatus, Municipality, YearFigures
from knowledge.models import CaseDescription, Report
from lsa_portal.mail import absolute_url
from pioneers.models import Lesson, Milestone, MilestoneStatus

from . import services
from .models import Follower


def previous_month(today: date) -> tuple[date, date]:
    """The first day of last month and of this month."""
    this_month = today.replace(day=1)
    last = (this_month.replace(day=1) - timedelta(days=1)).replace(day=1)
    return last, this_month


@dataclass
class Changes:
    enterprises: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    lessons: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(
            (
                self.enterprises,
                self.figures,
                self.milestones,
                self.reports,
                self.cases,
                self.lessons,
            )
        )


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def changes(municipality: Municipality, start: date, end: date) -> Changes:
    """What happened in ``municipality`` from ``start`` up to (not including) ``end``: newly
    published enterprises, new or updated yearly figures of published ones, milestones
    achieved by pioneers, and publications that concern the municipality."""
    since, until = _moment(start), _moment(end)
    published = Enterprise.objects.filter(
        municipality=municipality, status=EnterpriseStatus.PUBLISHED
    )
    return Changes(
        enterprises=list(
            published.filter(published_at__gte=since, published_at__lt=until).order_by("name")
        ),
        figures=list(
            YearFigures.objects.filter(
                enterprise__in=published, updated_at__gte=since, updated_at__lt=until
            )
            .select_related("enterprise")
            .order_by("enterprise__name", "year")
        ),
        milestones=list(
            Milestone.objects.filter(
                pioneer__enterprise__in=published,
                pioneer__show_on_programme_page=True,
                status=MilestoneStatus.ACHIEVED,
                achieved_on__gte=start,
                achieved_on__lt=end,
            )
            .select_related("pioneer__enterprise")
            .order_by("achieved_on", "pk")
        ),
        reports=list(
            Report.objects.public()
            .filter(commissioning_municipality=municipality, published_at__gte=since)
            .filter(published_at__lt=until)
        ),
        cases=list(
            CaseDescription.objects.public()
            .filter(enterprise__municipality=municipality, published_at__gte=since)
            .filter(published_at__lt=until)
        ),
        lessons=list(
            Lesson.objects.filter(
                published=True,
                pioneer__enterprise__municipality=municipality,
                published_at__gte=since,
                published_at__lt=until,
            ).select_related("pioneer__enterprise")
        ),
    )


def send_digests(today: date | None = None) -> int:
    """Once a month (celery beat): last month's changes to every confirmed follower of a
    municipality where something changed. Returns the number of mails sent."""
    today = today or timezone.localdate()
    start, end = previous_month(today)
    sent = 0
    followed = Municipality.objects.filter(followers__confirmed_at__isnull=False).distinct()
    for municipality in followed:
        found = changes(municipality, start, end)
        if not found:
            continue
        followers = municipality.followers.filter(confirmed_at__isnull=False).exclude(
            last_period=start
        )
        for follower in followers:
            _send(follower, municipality, found, start)
            sent += 1
    return sent


def _send(follower: Follower, municipality: Municipality, found: Changes, start: date) -> None:
    unsubscribe_url = services.unfollow_url(follower)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "municipality": municipality,
            "changes": found,
            "month": start,
            "base_url": settings.PORTAL_BASE_URL,
            "page_url": absolute_url(
                reverse("municipalities:detail", kwargs={"slug": municipality.slug})
            ),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = _("What changed in %(name)s") % {"name": municipality.name}
        body = render_to_string("municipalities/mail/digest.txt", context)
    message = EmailMessage(
        subject,
        body,
        to=[follower.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
    Follower.objects.filter(pk=follower.pk).update(last_period=start)
