"""The knowledge base: reports, FAQs, articles and case descriptions, one search table over them,
and what visitors leave behind (report requests, newsletter subscriptions, advice requests).

No workflows here: publishing, requesting and subscribing live in ``services.py``.
"""

from __future__ import annotations

import datetime
from typing import Any, Self, TypeVar

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises.models import BitNumbered, Enterprise, Municipality, Theme
from lsa_portal.pdf_jobs import RenderJob
from lsa_portal.uploads import (
    MAX_PDF_BYTES,
    CheckedImageField,
    FileSizeValidator,
    generated_name,
    validate_pdf,
)

from .markdown import render_markdown


class Status(models.TextChoices):
    DRAFT = "concept", _("Draft")
    PUBLISHED = "gepubliceerd", _("Published")


def _published_needs_date(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(status=Status.DRAFT) | Q(published_at__isnull=False),
        name=f"{prefix}_published_has_date",
    )


def upload_report_pdf(instance, filename: str) -> str:
    return generated_name("kennisbank/rapporten", extension="pdf")


def upload_report_cover(instance, filename: str) -> str:
    return generated_name("kennisbank/omslagen", filename)


def upload_case_pdf(instance, filename: str) -> str:
    return generated_name("kennisbank/casussen", extension="pdf")


_Item = TypeVar("_Item", bound="Publishable")


class PublishableQuerySet(models.QuerySet[_Item]):
    def public(self) -> Self:
        """What anyone may see: published, and the publication moment has come."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())


class Publishable(models.Model):
    """Draft/published with a publication moment; shared by every kind of knowledge item."""

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("Public from this moment on, once the status is published."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class RendersMarkdown(models.Model):
    """An item with a Markdown field whose sanitised HTML is kept beside it: rendered on every
    save, so that a page never renders Markdown while a visitor waits. Name the pair with
    ``markdown_field`` and ``html_field``."""

    markdown_field = "body"
    html_field = "body_html"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        setattr(self, self.html_field, render_markdown(getattr(self, self.markdown_field)))
        super().save(*args, **kwargs)


class Audience(BitNumbered):
    """Who a publication is for: municipalities, professionals, residents (reference data)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["position", "name"]
        constraints = BitNumbered.Meta.constraints

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class ReportAccess(models.TextChoices):
    OPEN = "open", _("Open download")
    ON_REQUEST = "op-aanvraag", _("On request")


class Report(RendersMarkdown, Publishable):
    """A published study, as a PDF, with its summary and key lessons on the page."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    subtitle = models.CharField(_("subtitle"), max_length=250, blank=True)
    summary = models.TextField(_("summary"), help_text=_("A few sentences, shown in lists."))
    authors = models.CharField(_("authors"), max_length=300)
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    commissioned_by = models.CharField(
        _("commissioned by"),
        max_length=200,
        blank=True,
        help_text=_("As it should be shown, e.g. 'Gemeente Voorbeeldstad'."),
    )
    commissioning_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commissioned_reports",
        verbose_name=_("commissioning municipality"),
    )
    publication_date = models.DateField(_("publication date"), default=timezone.localdate)
    pdf = models.FileField(
        _("PDF file"),
        upload_to=upload_report_pdf,
        blank=True,
        validators=[FileSizeValidator(MAX_PDF_BYTES), validate_pdf],
        help_text=_("A PDF of at most 20 MB."),
    )
    cover = CheckedImageField(
        _("cover image"),
        upload_to=upload_report_cover,
        blank=True,
        help_text=_("JPG, PNG or WebP, at most 2 MB."),
    )
    themes = models.ManyToManyField(
        Theme, related_name="reports", blank=True, verbose_name=_("themes")
    )
    audiences = models.ManyToManyField(
        Audience, related_name="reports", blank=True, verbose_name=_("audiences")
    )
    access = models.CharField(
        _("access"), max_length=20, choices=ReportAccess.choices, default=ReportAccess.OPEN
    )
    key_lessons = models.TextField(
        _("key lessons"), blank=True, help_text=_("One lesson per line, shown as a short list.")
    )
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    # Counters only: who looked is never stored, so no IP address either.
    view_count = models.PositiveIntegerField(_("page views"), default=0, editable=False)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    request_count = models.PositiveIntegerField(_("requests"), default=0, editable=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-publication_date", "title"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="report_status_published"),
            models.Index(fields=["status", "view_count"], name="report_status_views"),
        ]
        constraints = [_published_needs_date("report")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:report", kwargs={"slug": self.slug})

    @property
    def lessons(self) -> list[str]:
        return [line.strip(" -*\t") for line in self.key_lessons.splitlines() if line.strip()]

    @property
    def is_on_request(self) -> bool:
        return self.access == ReportAccess.ON_REQUEST

    @property
    def date(self) -> datetime.date | None:
        return self.publication_date


class FAQCategory(models.Model):
    """A group of questions on the FAQ page, with an anchor of its own."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("anchor"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class FAQ(RendersMarkdown, Publishable):
    """A frequently asked question and its answer; linkable by its anchor on the FAQ page."""

    markdown_field = "answer"
    html_field = "answer_html"

    question = models.CharField(_("question"), max_length=300)
    slug = models.SlugField(_("anchor"), max_length=200, unique=True)
    answer = models.TextField(_("answer"), help_text=_("Markdown."))
    answer_html = models.TextField(editable=False, blank=True)
    category = models.ForeignKey(
        FAQCategory,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("category"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    related_reports = models.ManyToManyField(
        Report, related_name="faqs", blank=True, verbose_name=_("related reports")
    )
    themes = models.ManyToManyField(
        Theme, related_name="faqs", blank=True, verbose_name=_("themes")
    )

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["category__position", "category__name", "order", "question"]
        indexes = [models.Index(fields=["status", "published_at"], name="faq_status_published")]
        constraints = [_published_needs_date("faq")]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return f"{reverse('knowledge:faq')}#{self.slug}"

    @property
    def title(self) -> str:
        return self.question


class ArticleKind(models.TextChoices):
    TIPS = "tips", _("Tips")
    INTERVIEW = "interview", _("Interview")
    NEWS = "nieuws", _("News")


class Article(RendersMarkdown, Publishable):
    """Tips, an interview or news: a lead and a Markdown body."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS
    )
    lead = models.TextField(_("lead"), help_text=_("The opening paragraph, shown in lists."))
    body = models.TextField(_("text"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    author = models.CharField(_("author"), max_length=150, blank=True)
    date = models.DateField(_("date"), default=timezone.localdate)
    themes = models.ManyToManyField(
        Theme, related_name="articles", blank=True, verbose_name=_("themes")
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-date", "title"]
        indexes = [models.Index(fields=["status", "published_at"], name="article_status_published")]
        constraints = [_published_needs_date("article")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article", kwargs={"slug": self.slug})


class CaseDescription(RendersMarkdown, Publishable):
    """A casus: how an enterprise or a pioneer did it, in sections (Markdown headings)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"))
    body = models.TextField(
        _("sections"), help_text=_("Markdown; start each section with a heading (## Heading).")
    )
    body_html = models.TextField(editable=False, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_descriptions",
        verbose_name=_("enterprise"),
    )
    subject_name = models.CharField(
        _("enterprise or pioneer"),
        max_length=150,
        blank=True,
        help_text=_("Shown when the case is not linked to an enterprise in the directory."),
    )
    # Generated by the case-description issue; the field is here so that links can exist.
    pdf = models.FileField(
        _("PDF file"),
        upload_to=upload_case_pdf,
        null=True,
        blank=True,
        validators=[FileSizeValidator(MAX_PDF_BYTES), validate_pdf],
    )
    themes = models.ManyToManyField(
        Theme, related_name="case_descriptions", blank=True, verbose_name=_("themes")
    )

    class Meta:
        verbose_name = _("case description")
        verbose_name_plural = _("case descriptions")
        ordering = ["-published_at", "title"]
        indexes = [models.Index(fields=["status", "published_at"], name="case_status_published")]
        constraints = [_published_needs_date("case")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:case", kwargs={"slug": self.slug})

    @property
    def subject(self) -> str:
        enterprise = self.enterprise  # no query when there is none
        return enterprise.name if enterprise is not None else self.subject_name

    @property
    def date(self) -> datetime.date | None:
        return timezone.localdate(self.published_at) if self.published_at else None


class ItemKind(models.TextChoices):
    """The kinds of item one search covers, in the order the filters show them."""

    REPORT = "rapport", _("Report")
    FAQ = "vraag", _("Question and answer")
    ARTICLE = "artikel", _("Article")
    CASE = "casus", _("Case description")


class SearchDocument(models.Model):
    """One row per public item: what the search, the feed and the sitemap read.

    Kept up to date by the services that publish and save items (``services.index_item``).
    On PostgreSQL ``search_vector`` holds the weighted ``dutch`` tsvector (title A, summary B,
    body C) with a GIN index created by migration 0002: it decides what matches. The small
    ``head_vector`` (title A, summary B) ranks the matches, so that ranking never reads the body's
    vector. Migration 0005 keeps the body and its vector out of the row (TOAST), so that counting
    and ranking thousands of matches reads narrow rows. On SQLite both vectors stay empty and the
    search falls back to ``icontains``.

    An item's themes and audiences are kept once, as bit masks: the bit ``1 << theme.bit`` of
    each (``BitNumbered``), which count every facet in one cheap pass (see knowledge/search.py).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    url = models.CharField(_("address"), max_length=300)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    published_at = models.DateTimeField(_("published at"))
    date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"))
    # The item's themes and audiences as bit masks: one scan of the matching rows counts every
    # facet at once, on PostgreSQL and SQLite alike (see knowledge/search.py).
    theme_mask = models.BigIntegerField(_("themes"), default=0, editable=False)
    audience_mask = models.BigIntegerField(_("audiences"), default=0, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    head_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        ordering = ["-date", "-published_at"]
        indexes = [
            models.Index(fields=["published_at"], name="searchdoc_published"),
            models.Index(fields=["-date", "-published_at"], name="searchdoc_newest"),
            models.Index(fields=["kind", "year"], name="searchdoc_kind_year"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdoc_one_per_item"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url


class RequesterRole(models.TextChoices):
    MUNICIPALITY = "gemeente", _("Municipality")
    PROFESSIONAL = "professional", _("Professional (care, welfare, neighbourhood team)")
    RESIDENT = "bewoner", _("Active resident")
    RESEARCH = "onderzoek", _("Research or education")
    OTHER = "anders", _("Other")


class ReportRequest(models.Model):
    """Someone asked for a report on request; deleted after the retention period."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="requests", verbose_name=_("report")
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=RequesterRole.choices)
    consent = models.BooleanField(_("consent"), default=False)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    downloaded_at = models.DateTimeField(_("first download"), null=True, blank=True)

    class Meta:
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="reportrequest_has_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.report}"


class Subscriber(models.Model):
    """A newsletter subscription; only confirmed addresses (double opt-in) receive it."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("subscribed at"), default=timezone.now)
    # None until the address is confirmed (see lsa_portal.optin): the one mark of "confirmed".
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class AdviceTopic(models.TextChoices):
    PRESENTATION = "presentatie", _("Presentation of a report")
    WORKSHOP = "workshop", _("Workshop")
    MEETING = "gesprek", _("Discussion meeting")
    POLICY = "beleidsadvies", _("Policy advice")


class AdviceRequest(models.Model):
    """A municipality's (or anyone's) request for advice; lands in the staff inbox (the admin)."""

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advice_requests",
        verbose_name=_("municipality"),
    )
    topic = models.CharField(_("what you would like"), max_length=20, choices=AdviceTopic.choices)
    message = models.TextField(_("your question"))
    consent = models.BooleanField(_("consent"), default=False)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    handled = models.BooleanField(_("handled"), default=False)
    staff_note = models.TextField(_("note by staff"), blank=True)

    class Meta:
        verbose_name = _("advice request")
        verbose_name_plural = _("advice requests")
        ordering = ["handled", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="advicerequest_has_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_topic_display()}"


def upload_case_job_pdf(instance, filename: str) -> str:
    return f"casussen/pdf/{filename}"


class PdfJob(RenderJob):
    """One request for a case description's PDF, rendered by a Celery worker
    (``knowledge.case_pdf``; the life of the job is ``lsa_portal.pdf_jobs``).

    ``input_hash`` fingerprints everything the PDF shows: a request whose hash matches a done job
    reuses that job's file instead of rendering again. ``html`` is the page as it was when staff
    asked, so the worker prints what was fingerprinted.
    """

    case = models.ForeignKey(
        CaseDescription,
        on_delete=models.CASCADE,
        related_name="pdf_jobs",
        verbose_name=_("case description"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    html = models.TextField(_("HTML to print"), blank=True, editable=False)
    file = models.FileField(_("PDF file"), upload_to=upload_case_job_pdf, blank=True)

    class Meta(RenderJob.Meta):
        verbose_name = _("PDF job")
        verbose_name_plural = _("PDF jobs")

    def __str__(self) -> str:
        return f"{self.case} v{self.version} ({self.get_status_display()})"
