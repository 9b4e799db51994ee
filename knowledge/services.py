"""Everything that changes the knowledge base's state: publishing (and keeping the search table up
to date), counting, report requests with signed download links, the newsletter's double opt-in,
advice requests, the retention clean-up and the CSV exports (the last two in the audit log)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.db.models.expressions import CombinedExpression
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import STAFF_GROUP
from enterprises.models import Municipality, Theme
from lsa_portal import audit
from lsa_portal.mail import absolute_url, send_templated
from lsa_portal.optin import LinkExpired, LinkInvalid, OptIn

from . import caches
from .markdown import plain_text
from .models import (
    FAQ,
    AdviceRequest,
    Article,
    Audience,
    CaseDescription,
    ItemKind,
    Report,
    ReportRequest,
    SearchDocument,
    Status,
    Subscriber,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

KnowledgeItem = Report | FAQ | Article | CaseDescription

KNOWLEDGE_MODELS: dict[str, type[KnowledgeItem]] = {
    ItemKind.REPORT: Report,
    ItemKind.FAQ: FAQ,
    ItemKind.ARTICLE: Article,
    ItemKind.CASE: CaseDescription,
}
KIND_OF_MODEL = {model: kind for kind, model in KNOWLEDGE_MODELS.items()}

DOWNLOAD_SALT = "knowledge.report-download"
CONFIRM_SALT = "knowledge.newsletter-confirm"
UNSUBSCRIBE_SALT = "knowledge.newsletter-unsubscribe"
CONFIRM_DAYS = 7
# Enough text for search and snippets; a longer body adds nothing but index size.
MAX_INDEXED_CHARS = 50_000


# --- Search table ---------------------------------------------------------------------------


def head_vector() -> CombinedExpression:
    """Title above summary, with Dutch stemming: what ranks the matches (PostgreSQL only)."""
    return SearchVector("title", weight="A", config="dutch") + SearchVector(
        "summary", weight="B", config="dutch"
    )


def weighted_vector() -> CombinedExpression:
    """Title above summary above body, with Dutch stemming: what matches (PostgreSQL only)."""
    return head_vector() + SearchVector("body", weight="C", config="dutch")


def update_search_vectors(documents: QuerySet[SearchDocument]) -> None:
    """Fill both search vectors for the given rows in one UPDATE; a no-op on SQLite."""
    if connection.vendor == "postgresql":
        documents.update(search_vector=weighted_vector(), head_vector=head_vector())
        caches.search_changed()  # update() sends no signal


def document_values(item: KnowledgeItem) -> dict[str, object]:
    """What the search table keeps of an item: plain text only, never HTML."""
    if isinstance(item, Report):
        summary = f"{item.subtitle}. {item.summary}" if item.subtitle else item.summary
        body = " ".join(filter(None, [item.key_lessons, plain_text(item.body), item.authors]))
        date = item.publication_date
    elif isinstance(item, FAQ):
        summary, body, date = "", plain_text(item.answer), timezone.localdate(item.published_at)
    elif isinstance(item, Article):
        summary, body, date = item.lead, plain_text(item.body), item.date
    elif isinstance(item, CaseDescription):
        summary, body = item.summary, plain_text(item.body)
        date = timezone.localdate(item.published_at)
    else:
        raise TypeError(f"not a knowledge item: {item!r}")
    return {
        "url": item.get_absolute_url(),
        "title": item.title,
        "summary": summary,
        "body": body[:MAX_INDEXED_CHARS],
        "published_at": item.published_at,
        "date": date,
        "year": date.year,
    }


def facet_mask(items: Iterable[Theme | Audience]) -> int:
    """Themes or audiences as the search table's bit mask: the bit ``1 << item.bit`` of each."""
    mask = 0
    for item in items:
        mask |= 1 << item.bit
    return mask


def facet_values(themes: Iterable[Theme], audiences: Iterable[Audience] = ()) -> dict[str, int]:
    """An item's themes and audiences as the search table keeps them: one bit mask each."""
    return {"theme_mask": facet_mask(themes), "audience_mask": facet_mask(audiences)}


@transaction.atomic
def remove_facet_from_index(item: Theme | Audience) -> None:
    """Clear a deleted theme's or audience's bit from every mask of the search table, so that a
    theme or audience made later with the same bit number is on no item it was not given."""
    column = "theme_mask" if isinstance(item, Theme) else "audience_mask"
    SearchDocument.objects.filter(**{f"{column}__gt": 0}).update(
        **{column: F(column).bitand(~(1 << item.bit))}
    )
    caches.search_changed()


@transaction.atomic
def index_item(item: KnowledgeItem) -> SearchDocument | None:
    """Bring the item's row in the search table up to date: there when published, gone when not.

    Items published with a future moment are indexed already; every read filters on
    ``published_at`` so they appear by themselves when the moment comes.
    """
    kind = KIND_OF_MODEL[type(item)]
    if item.status != Status.PUBLISHED or item.published_at is None:
        SearchDocument.objects.filter(kind=kind, object_id=item.pk).delete()
        caches.search_changed()
        return None
    values = document_values(item)
    # .all() reads what the caller prefetched (the rebuild does) instead of asking again.
    audiences = item.audiences.all() if isinstance(item, Report) else ()
    values.update(facet_values(item.themes.all(), audiences))
    document, _created = SearchDocument.objects.update_or_create(
        kind=kind, object_id=item.pk, defaults=values
    )
    update_search_vectors(SearchDocument.objects.filter(pk=document.pk))
    caches.search_changed()
    return document


def remove_from_index(item: KnowledgeItem) -> None:
    """Forget a deleted item in the search table."""
    SearchDocument.objects.filter(kind=KIND_OF_MODEL[type(item)], object_id=item.pk).delete()
    caches.search_changed()


def rebuild_search_index() -> int:
    """Re-index every item (after a bulk import or a change in weights); returns the rows."""
    count = 0
    for model in KNOWLEDGE_MODELS.values():
        related = ["themes", "audiences"] if model is Report else ["themes"]
        for item in model.objects.prefetch_related(*related).iterator(chunk_size=500):
            count += index_item(item) is not None
    return count


def save_item(item: KnowledgeItem) -> None:
    """Save an item (and its themes, set by the caller) and keep the search table in step."""
    item.full_clean()
    item.save()
    caches.content_changed()
    index_item(item)


@transaction.atomic
def publish(item: KnowledgeItem, *, by: User | None, when: datetime | None = None) -> None:
    """Publish an item, now or at ``when`` (an item published before keeps its moment unless
    ``when`` is given). A report needs its PDF first. ``by`` is who did it (None: the system).

    The status, the audit entry and the search table change together or not at all."""
    if isinstance(item, Report) and not item.pdf:
        raise ValidationError(_("Add the PDF file before publishing this report."), code="no_pdf")
    published_at = when or item.published_at or timezone.now()
    _change_status(item, Status.PUBLISHED, by=by, published_at=published_at)


@transaction.atomic
def unpublish(item: KnowledgeItem, *, by: User | None) -> None:
    """Take an item back to draft: it disappears from the site, the search and the feed.
    ``by`` is who did it (None: the system); atomic like ``publish``."""
    _change_status(item, Status.DRAFT, by=by)


STATUS_ACTIONS = {
    Status.PUBLISHED: audit.Action.KNOWLEDGE_PUBLISHED,
    Status.DRAFT: audit.Action.KNOWLEDGE_UNPUBLISHED,
}


def _change_status(
    item: KnowledgeItem, status: Status, *, by: User | None, **fields: object
) -> None:
    """Write the status (and ``fields``), its audit entry and the search row, in the caller's
    transaction. The row stays locked until it ends, so that two staff members publishing and
    taking back the same item at once queue up; the entry says what the status was before."""
    previous = (
        type(item).objects.select_for_update().values_list("status", flat=True).get(pk=item.pk)
    )
    item.status = status
    for name, value in fields.items():
        setattr(item, name, value)
    item.save(update_fields=["status", *fields, "updated_at"])
    caches.content_changed()
    audit.record(
        by,
        STATUS_ACTIONS[status],
        item,
        kind=KIND_OF_MODEL[type(item)],
        previous=previous,
        **fields,
    )
    index_item(item)


# --- Counters (no personal data) ------------------------------------------------------------


def record_view(report: Report) -> None:
    """Count a page view in the database, without a race and without storing who it was."""
    Report.objects.filter(pk=report.pk).update(view_count=F("view_count") + 1)


def record_download(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(download_count=F("download_count") + 1)


# --- Mail ---------------------------------------------------------------------------------------


absolute = absolute_url


def _mail(
    template: str,
    recipients: list[str],
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    send_templated(f"knowledge/mail/{template}", recipients, context, headers)


# --- Report requests ----------------------------------------------------------------------------


def download_token(report_request: ReportRequest) -> str:
    """A signed token naming the request and its report; it expires (see ``resolve``)."""
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign_object(
        {"request": report_request.pk, "report": report_request.report_id}
    )


def download_url(report_request: ReportRequest) -> str:
    return absolute(
        reverse(
            "knowledge:report_download_signed",
            kwargs={"slug": report_request.report.slug, "token": download_token(report_request)},
        )
    )


def resolve_download_token(token: str, report: Report) -> ReportRequest:
    """The request behind a download link; ``LinkExpired`` or ``LinkInvalid`` otherwise."""
    max_age = timedelta(days=settings.KNOWLEDGE_DOWNLOAD_LINK_DAYS)
    try:
        data = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error
    if not isinstance(data, dict) or data.get("report") != report.pk:
        raise LinkInvalid
    request_pk = data.get("request")
    if not isinstance(request_pk, int):  # signed by us: always a key
        raise LinkExpired
    found = ReportRequest.objects.filter(pk=request_pk, report=report).first()
    if found is None:
        # Deleted after the retention period: the link has expired in effect.
        raise LinkExpired
    return found


@transaction.atomic
def request_report(
    report: Report, *, name: str, email: str, organisation: str, role: str, consent: bool
) -> ReportRequest:
    """Record a request for a report on request and mail a personal, expiring download link."""
    if not consent:
        raise ValidationError(_("Give your consent to send the report."), code="no_consent")
    report_request = ReportRequest.objects.create(
        report=report,
        name=name,
        email=email,
        organisation=organisation,
        role=role,
        consent=True,
    )
    Report.objects.filter(pk=report.pk).update(request_count=F("request_count") + 1)
    context = {
        "report": report,
        "name": name,
        "link": download_url(report_request),
        "days": settings.KNOWLEDGE_DOWNLOAD_LINK_DAYS,
    }
    transaction.on_commit(lambda: _mail("report_link", [email], context))
    return report_request


@transaction.atomic
def mark_downloaded(
    report_request: ReportRequest, *, by: User | AnonymousUser | None = None
) -> None:
    """Keep the first moment a personal link was used, for staff (the download itself is
    counted by ``record_download``); a report on request is not public, so every download
    through a link is in the audit log."""
    if report_request.downloaded_at is None:
        ReportRequest.objects.filter(pk=report_request.pk, downloaded_at__isnull=True).update(
            downloaded_at=timezone.now()
        )
    audit.record(
        by, audit.Action.FILE_DOWNLOADED, report_request.report, report_request=report_request.pk
    )


def delete_expired_requests(now: datetime | None = None) -> int:
    """Retention: report requests (names, addresses) older than the retention period; returns
    how many went. Their download links stopped working long before (a signed link expires)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KNOWLEDGE_REQUEST_RETENTION_DAYS)
    deleted, _detail = ReportRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def delete_unconfirmed_subscribers(now: datetime | None = None) -> int:
    """Retention: newsletter sign-ups never confirmed within ``CONFIRM_DAYS`` (the confirmation
    link has expired by then); returns how many went."""
    return NEWSLETTER.delete_unconfirmed(now)


# --- Newsletter ---------------------------------------------------------------------------------


# The salts are those of the links already sent: they keep working.
NEWSLETTER = OptIn(
    model=Subscriber,
    confirm_salt=CONFIRM_SALT,
    unsubscribe_salt=UNSUBSCRIBE_SALT,
    confirm_days=CONFIRM_DAYS,
)
confirm_token = NEWSLETTER.confirm_token
# No expiry: an unsubscribe link in an old mail must keep working.
unsubscribe_token = NEWSLETTER.unsubscribe_token


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(
        reverse("knowledge:newsletter_unsubscribe", kwargs={"token": unsubscribe_token(subscriber)})
    )


def _unsubscribe_headers(subscriber: Subscriber) -> dict[str, str]:
    # RFC 8058: mail programs show their own one-click unsubscribe button.
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@transaction.atomic
def subscribe(email: str, name: str = "", *, by: User | AnonymousUser | None) -> Subscriber:
    """Start a subscription: the address receives a confirmation mail (double opt-in).

    A confirmed address gets no new mail, so the form tells nobody who is subscribed; an
    unconfirmed one asked for again gets a new link.
    """
    email = email.strip().lower()
    subscriber, mail_due = NEWSLETTER.request(
        email=email, defaults={"name": name}, resend_unconfirmed=True
    )
    if not mail_due:
        return subscriber
    audit.record(by, audit.Action.NEWSLETTER_SUBSCRIBED, None, subscriber=subscriber.pk)
    context = {
        "link": absolute(
            reverse("knowledge:newsletter_confirm", kwargs={"token": confirm_token(subscriber)})
        ),
        "unsubscribe": unsubscribe_url(subscriber),
        "days": CONFIRM_DAYS,
    }
    transaction.on_commit(
        lambda: _mail("newsletter_confirm", [email], context, _unsubscribe_headers(subscriber))
    )
    return subscriber


@transaction.atomic
def confirm_subscription(token: str, *, by: User | AnonymousUser | None) -> Subscriber:
    """Confirm the address behind a confirmation link; ``LinkExpired``/``LinkInvalid`` if not.
    The welcome mail goes once, however often the link is used."""
    subscriber, confirmed_now = NEWSLETTER.confirm(token)
    if confirmed_now:
        audit.record(by, audit.Action.NEWSLETTER_CONFIRMED, None, subscriber=subscriber.pk)
        context = {"unsubscribe": unsubscribe_url(subscriber)}
        transaction.on_commit(
            lambda: _mail(
                "newsletter_welcome",
                [subscriber.email],
                context,
                _unsubscribe_headers(subscriber),
            )
        )
    return subscriber


def subscriber_for_unsubscribe(token: str) -> Subscriber | None:
    """The subscriber an unsubscribe link names; None when already gone. ``LinkInvalid`` if
    the link was tampered with."""
    return NEWSLETTER.for_unsubscribe(token)


@transaction.atomic
def unsubscribe(token: str, *, by: User | AnonymousUser | None) -> bool:
    """Remove the subscription behind an unsubscribe link; True if there was one."""
    subscriber = NEWSLETTER.unsubscribe(token)
    if subscriber is None:
        return False
    audit.record(by, audit.Action.NEWSLETTER_UNSUBSCRIBED, None, subscriber=subscriber.pk)
    return True


# --- Advice -------------------------------------------------------------------------------------


def staff_inbox() -> list[str]:
    """Where staff notifications go: the configured inbox, or every active staff member."""
    from django.contrib.auth import get_user_model

    if settings.KNOWLEDGE_STAFF_INBOX:
        return list(settings.KNOWLEDGE_STAFF_INBOX)
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=STAFF_GROUP)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


@transaction.atomic
def request_advice(
    *,
    name: str,
    email: str,
    organisation: str,
    municipality: Municipality | None,
    topic: str,
    message: str,
    consent: bool,
) -> AdviceRequest:
    """Record a request for advice (it shows in the admin's inbox) and tell staff by mail."""
    if not consent:
        raise ValidationError(_("Give your consent so that we can contact you."))
    advice = AdviceRequest.objects.create(
        name=name,
        email=email,
        organisation=organisation,
        municipality=municipality,
        topic=topic,
        message=message,
        consent=True,
    )
    context = {
        "advice": advice,
        "admin_link": absolute(reverse("admin:knowledge_advicerequest_change", args=[advice.pk])),
    }
    recipients = staff_inbox()
    transaction.on_commit(lambda: _mail("advice_request", recipients, context))
    return advice


# --- Exports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvExport:
    filename: str
    header: list[str]
    rows: list[list[str]]


@transaction.atomic
def export_requests(
    requests: QuerySet[ReportRequest] | None = None, *, by: User | AnonymousUser
) -> CsvExport:
    """Report requests for staff, newest first (Excel in the Netherlands expects ';'); the
    export is in the audit log."""
    requests = (requests if requests is not None else ReportRequest.objects.all()).select_related(
        "report"
    )
    rows = [
        [
            timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M"),
            item.report.title,
            item.name,
            item.email,
            item.organisation,
            item.get_role_display(),
            timezone.localtime(item.downloaded_at).strftime("%Y-%m-%d %H:%M")
            if item.downloaded_at
            else "",
        ]
        for item in requests.order_by("-created_at")
    ]
    audit.record(by, audit.Action.DATA_EXPORTED, None, export="report_requests", rows=len(rows))
    header = [
        _("requested at"),
        _("report"),
        _("name"),
        _("e-mail address"),
        _("organisation"),
        _("role"),
        _("first download"),
    ]
    return CsvExport("rapportaanvragen.csv", header, rows)


@transaction.atomic
def export_subscribers(*, by: User | AnonymousUser) -> CsvExport:
    """Confirmed newsletter subscribers, each with their own unsubscribe link for the mailing;
    the export is in the audit log."""
    subscribers = NEWSLETTER.confirmed().order_by("email")
    rows = [
        [
            item.email,
            item.name,
            timezone.localtime(item.confirmed_at).strftime("%Y-%m-%d"),
            unsubscribe_url(item),
        ]
        for item in subscribers
    ]
    audit.record(by, audit.Action.DATA_EXPORTED, None, export="subscribers", rows=len(rows))
    header = [_("e-mail address"), _("name"), _("confirmed at"), _("unsubscribe link")]
    return CsvExport("nieuwsbrief-abonnees.csv", header, rows)
