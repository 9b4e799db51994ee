"""Neighbourhood enterprises: the tables, their constraints and small properties. No workflows
here: state changes live in ``services.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lsa_portal.uploads import CheckedImageField, GeneratedName
from lsa_portal.validators import YearModelField, no_hidden_characters

from .figures import ALL_STREAMS, FINANCING_STREAMS
from .names import municipality_search_names, split_other_names
from .validators import kvk_number_validator, validate_postcode

if TYPE_CHECKING:
    from accounts.models import User

FIRST_YEAR = 1900
LAST_YEAR = 2100
MAX_EUROS = 2_000_000_000  # fits the column; no neighbourhood enterprise comes near


class Province(models.TextChoices):
    GRONINGEN = "groningen", "Groningen"
    FRYSLAN = "fryslan", "Fryslân"
    DRENTHE = "drenthe", "Drenthe"
    OVERIJSSEL = "overijssel", "Overijssel"
    FLEVOLAND = "flevoland", "Flevoland"
    GELDERLAND = "gelderland", "Gelderland"
    UTRECHT = "utrecht", "Utrecht"
    NOORD_HOLLAND = "noord-holland", "Noord-Holland"
    ZUID_HOLLAND = "zuid-holland", "Zuid-Holland"
    ZEELAND = "zeeland", "Zeeland"
    NOORD_BRABANT = "noord-brabant", "Noord-Brabant"
    LIMBURG = "limburg", "Limburg"


class Municipality(models.Model):
    """A Dutch municipality (gemeente) as CBS lists it; loaded by a data migration."""

    cbs_code = models.CharField(_("CBS code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    other_names = models.CharField(
        _("other names"),
        max_length=200,
        blank=True,
        help_text=_(
            "Names people use besides the official one, separated by '|': Den Haag for "
            "'s-Gravenhage, Den Bosch for 's-Hertogenbosch."
        ),
    )
    # The official and other names folded for searching (lower case, no accents, apostrophes or
    # hyphens): 'den haag' finds 's-Gravenhage, 'sudwest' finds Súdwest-Fryslân. Kept by save().
    search_names = models.CharField(max_length=400, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cbs_code__regex=r"^GM[0-9]{4}$"), name="municipality_cbs_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_names = municipality_search_names(self.name, self.other_names)
        super().save(*args, **kwargs)

    @property
    def aliases(self) -> list[str]:
        """The other names people use, in the order given."""
        return split_other_names(self.other_names)


# Reference data that other tables keep as sets in one 64-bit integer (a bit mask): each row has
# a bit of its own, 0 to 62 (1 << 63 does not fit a signed BIGINT).
MAX_BITS = 63


class BitNumbered(models.Model):
    """Reference data with a stable bit number of its own (``bit``), so that a set of rows fits
    one BIGINT column (the knowledge base's search keeps an item's themes and audiences so). A
    new row takes the lowest free number; at most ``MAX_BITS`` rows can exist."""

    bit = models.PositiveSmallIntegerField(
        _("bit"), unique=True, editable=False, validators=[MaxValueValidator(MAX_BITS - 1)]
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(bit__lt=MAX_BITS), name="%(app_label)s_%(class)s_bit_range"
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        if self.bit is None:
            self.bit = self.free_bit()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.bit is None:
            self.free_bit()  # the admin's form shows the message instead of failing on save

    def free_bit(self) -> int:
        """The lowest bit number no other row has; a ValidationError when all are taken."""
        taken = set(type(self)._default_manager.exclude(pk=self.pk).values_list("bit", flat=True))
        free = next((bit for bit in range(MAX_BITS) if bit not in taken), None)
        if free is None:
            raise ValidationError(
                _("There can be at most %(limit)d %(things)s; delete one first.")
                % {"limit": MAX_BITS, "things": self._meta.verbose_name_plural}
            )
        return free


class Theme(BitNumbered):
    """What an enterprise (or a publication) is about: energie, zorg, groen, ..."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "name"]
        constraints = BitNumbered.Meta.constraints

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the language of the page (themes are data, so not in the .po files)."""
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class EnterpriseKind(models.TextChoices):
    BEWONERSBEDRIJF = "bewonersbedrijf", _("BewonersBedrijf")
    WIJKONDERNEMING = "wijkonderneming", _("Neighbourhood enterprise")
    DORPSCOOPERATIE = "dorpscooperatie", _("Village co-operative")
    SOCIALE_COOPERATIE = "sociale-cooperatie", _("Social co-operative")
    ENERGIECOOPERATIE = "energiecooperatie", _("Energy co-operative")
    BUURTHUIS = "buurthuis", _("Community centre run by residents")
    OTHER = "anders", _("Other")


class LegalForm(models.TextChoices):
    STICHTING = "stichting", _("Foundation (stichting)")
    VERENIGING = "vereniging", _("Association (vereniging)")
    COOPERATIE = "cooperatie", _("Co-operative (coöperatie)")
    BV = "bv", _("Private company (BV)")
    NONE_YET = "nog-geen", _("None yet")
    OTHER = "anders", _("Other")


class EnterpriseStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    SUBMITTED = "ingediend", _("Submitted")
    PUBLISHED = "gepubliceerd", _("Published")
    REJECTED = "afgewezen", _("Rejected")
    ARCHIVED = "gearchiveerd", _("Archived")


class Enterprise(models.Model):
    """A neighbourhood enterprise: run by residents, its profit goes back into the neighbourhood."""

    name = models.CharField(_("name"), max_length=150, validators=[no_hidden_characters])
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=EnterpriseKind.choices)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, default=LegalForm.NONE_YET
    )
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[kvk_number_validator],
        help_text=_("The 8 digits of the Chamber of Commerce registration, if there is one."),
    )
    founded_year = YearModelField(
        _("founded in"), null=True, blank=True, first=FIRST_YEAR, last=LAST_YEAR
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("municipality"),
    )
    neighbourhood = models.CharField(
        _("neighbourhood or village"),
        max_length=100,
        validators=[no_hidden_characters],
        help_text=_("The neighbourhood (wijk), block or village where the enterprise works."),
    )
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    address = models.CharField(
        _("address"), max_length=200, blank=True, validators=[no_hidden_characters]
    )
    website = models.URLField(_("website"), blank=True)
    pitch = models.CharField(
        _("short pitch"),
        max_length=280,
        blank=True,
        validators=[no_hidden_characters],
        help_text=_("One or two sentences: what you do and for whom (at most 280 characters)."),
    )
    mission = models.TextField(_("mission"), blank=True, validators=[no_hidden_characters])
    themes = models.ManyToManyField(
        Theme, related_name="enterprises", blank=True, verbose_name=_("themes")
    )
    logo = CheckedImageField(
        _("logo or photo"),
        upload_to=GeneratedName("enterprises/logos"),
        blank=True,
        help_text=_("JPG, PNG or WebP, at most 2 MB."),
    )
    contact_name = models.CharField(
        _("contact person"), max_length=150, blank=True, validators=[no_hidden_characters]
    )
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    municipality_may_contact = models.BooleanField(
        _("the municipality may contact us"),
        default=False,
        help_text=_(
            "Officers of your municipality who are linked to it in the portal then see the "
            "contact person and e-mail address above."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.CONCEPT,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="enterprises",
        verbose_name=_("members"),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[themes])

    class Meta:
        verbose_name = _("neighbourhood enterprise")
        verbose_name_plural = _("neighbourhood enterprises")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"], name="enterprise_status_name"),
            models.Index(fields=["status", "kind"], name="enterprise_status_kind"),
            models.Index(fields=["status", "published_at"], name="enterprise_status_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=FIRST_YEAR, founded_year__lte=LAST_YEAR),
                name="enterprise_founded_year_range",
            ),
            models.CheckConstraint(
                condition=~Q(status=EnterpriseStatus.REJECTED) | ~Q(rejection_reason=""),
                name="enterprise_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:profile", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == EnterpriseStatus.PUBLISHED


class MembershipRole(models.TextChoices):
    OWNER = "eigenaar", _("Owner")
    EDITOR = "redacteur", _("Editor")


class Membership(models.Model):
    """Who keeps an enterprise. Owners manage members; editors edit the content."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("enterprise"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.EDITOR
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["enterprise", "role", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="membership_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.enterprise} ({self.get_role_display()})"


class Invitation(models.Model):
    """An owner's invitation to a co-member, by e-mail, with a link that expires."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("enterprise"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.EDITOR
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="invitation_expires")]

    def __str__(self) -> str:
        return f"{self.email} → {self.enterprise}"


class AssetKind(models.TextChoices):
    BUILDING = "gebouw", _("Building")
    LAND = "grond", _("Land")
    OTHER = "anders", _("Other property")


class Tenure(models.TextChoices):
    """How the enterprise holds a building or other property."""

    OWNERSHIP = "eigendom", _("Owned")
    RENT = "huur", _("Rented")
    MANAGEMENT = "beheer", _("Managed for its owner")


class GroundTenure(models.TextChoices):
    """How the enterprise holds ground: a plot of land, or the ground under a building it owns
    (a building can be owned on leasehold ground)."""

    OWNERSHIP = "eigendom", _("Owned")
    LEASEHOLD = "erfpacht", _("Leasehold (erfpacht)")
    RENT = "huur", _("Rented or leased (pacht)")
    MANAGEMENT = "beheer", _("Managed for its owner")


class Asset(models.Model):
    """A building, piece of land or other property the enterprise owns, rents or runs.

    The building's (or property's) tenure and the ground's are recorded apart: a building owned
    on leasehold ground is owned, its ground is not. A plot of land has only a ground tenure;
    a rented or managed building has none (the ground is not the enterprise's to hold)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="assets", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssetKind.choices)
    name = models.CharField(_("name"), max_length=150, validators=[no_hidden_characters])
    tenure = models.CharField(
        _("the building or property"),
        max_length=20,
        choices=Tenure.choices,
        blank=True,
        help_text=_("Owned, rented or managed for its owner. Not for a plot of land."),
    )
    ground_tenure = models.CharField(
        _("the ground"),
        max_length=20,
        choices=GroundTenure.choices,
        blank=True,
        help_text=_(
            "For a plot of land, and for the ground under a building you own: owned, leasehold "
            "(erfpacht), rented or managed."
        ),
    )
    size_m2 = models.PositiveIntegerField(_("size (m²)"), null=True, blank=True)
    since_year = YearModelField(_("since"), null=True, blank=True, first=FIRST_YEAR, last=LAST_YEAR)
    description = models.TextField(_("short description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["enterprise", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(since_year__isnull=True)
                | Q(since_year__gte=FIRST_YEAR, since_year__lte=LAST_YEAR),
                name="asset_since_year_range",
            ),
            # Land is ground: it has a ground tenure and no other.
            models.CheckConstraint(
                condition=~Q(kind=AssetKind.LAND) | (Q(tenure="") & ~Q(ground_tenure="")),
                name="asset_land_has_ground_tenure_only",
            ),
            models.CheckConstraint(
                condition=Q(kind=AssetKind.LAND) | ~Q(tenure=""),
                name="asset_property_has_tenure",
            ),
            # Only what the enterprise owns stands on ground it can hold.
            models.CheckConstraint(
                condition=Q(kind=AssetKind.LAND) | Q(ground_tenure="") | Q(tenure=Tenure.OWNERSHIP),
                name="asset_ground_only_under_owned_property",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AssetKind.BUILDING, tenure=Tenure.OWNERSHIP)
                | ~Q(ground_tenure=""),
                name="asset_owned_building_has_ground_tenure",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def holding(self) -> str:
        """The tenure in words, building and ground together ("Owned · ground: leasehold")."""
        parts = []
        if self.tenure:
            parts.append(self.get_tenure_display())
        if self.ground_tenure:
            ground = self.get_ground_tenure_display()
            if self.kind != AssetKind.LAND:
                ground = _("ground: %(tenure)s") % {"tenure": str(ground).lower()}
            parts.append(ground)
        return " · ".join(str(part) for part in parts)


# The money that comes in over a year, in the order the form and the charts show it. Which of it
# is turnover and which group each stream belongs to (market, public, private) is decided in
# figures.py, in one place: loans are financing, not turnover.
TURNOVER_FIELDS = ALL_STREAMS
FINANCING_FIELDS = FINANCING_STREAMS
INCOME_FIELDS = (*TURNOVER_FIELDS, *FINANCING_FIELDS)


def _euros(label):
    return models.PositiveIntegerField(label, default=0, help_text=_("Whole euros."))


class YearFigures(models.Model):
    """An enterprise's figures over one calendar year. Money in whole euros."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="year_figures",
        verbose_name=_("enterprise"),
    )
    year = YearModelField(_("year"), first=FIRST_YEAR, last=LAST_YEAR)
    income_sales = _euros(_("sales of products and services"))
    income_rent = _euros(_("rent and exploitation of buildings"))
    income_contributions = _euros(_("participant contributions"))
    income_public_contracts = _euros(_("public contracts (social procurement, Right to Challenge)"))
    income_subsidies = _euros(_("subsidies"))
    income_funds = _euros(_("foundations and funds"))
    income_donations = _euros(_("donations and crowdfunding"))
    income_loans = models.PositiveIntegerField(
        _("loans and social impact finance"),
        default=0,
        help_text=_(
            "Financing, not turnover: a loan is paid back, so it does not count as income or in "
            "any share of it. Whole euros."
        ),
    )
    expenses = _euros(_("total expenses"))
    paid_staff_fte = models.DecimalField(
        _("paid staff (FTE)"),
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    people_from_benefits = models.PositiveIntegerField(
        _("people from benefits or far from the labour market at work"), default=0
    )
    residents_reached = models.PositiveIntegerField(_("residents reached"), default=0)
    # What looks implausible against the year before (figures.implausible): codes for staff to
    # check, never a reason to refuse the figures.
    flags = models.JSONField(_("to check"), default=list, blank=True, editable=False)
    flags_checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    flags_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["updated_at", "flags_checked_at", "flags_checked_by"]
    )

    class Meta:
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        ordering = ["enterprise", "-year"]
        # The monitor, the benchmark and the rounds read one year of every enterprise.
        indexes = [models.Index(fields=["year", "enterprise"], name="yearfigures_year")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="yearfigures_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="yearfigures_year_range",
            ),
            models.CheckConstraint(
                condition=Q(paid_staff_fte__gte=0), name="yearfigures_fte_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    def income_by_stream(self) -> dict[str, int]:
        return {field: getattr(self, field) for field in INCOME_FIELDS}


class ImportStatus(models.TextChoices):
    PREVIEW = "voorbeeld", _("Preview")
    APPLIED = "toegepast", _("Applied")
    DISCARDED = "verworpen", _("Discarded")


class ImportBatch(models.Model):
    """One uploaded spreadsheet of enterprises and yearly figures: its plan (what each row would
    do, see ``imports.py``) is shown as a preview and applied, once, when staff confirm."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=200)
    # The rows as read, each with its outcome, values, changes and errors; and what applying
    # it writes. Made again on confirmation: it must then come out the same.
    plan = models.JSONField(_("plan"), default=dict)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("with an error"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="importbatch_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ImportStatus.APPLIED, applied_at__isnull=False)
                | (~Q(status=ImportStatus.APPLIED) & Q(applied_at__isnull=True)),
                name="importbatch_applied_has_date",
            ),
        ]

    def __str__(self) -> str:
        # No file name: the audit log shows this, and a file may be named after a person.
        return f"Import #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:import_preview", kwargs={"pk": self.pk})

    @property
    def is_preview(self) -> bool:
        return self.status == ImportStatus.PREVIEW

    def set_counts(self) -> None:
        """The counts of the plan's outcomes, kept in columns for lists and the retention."""
        counts = self.plan.get("counts", {})
        self.row_count = counts.get("rows", 0)
        self.new_count = counts.get("new", 0)
        self.changed_count = counts.get("changed", 0)
        self.unchanged_count = counts.get("unchanged", 0)
        self.skipped_count = counts.get("skipped", 0)
        self.error_count = counts.get("error", 0)
