"""factory-boy factories for every model the tests need."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import MUNICIPAL_GROUP, ensure_roles, make_staff
from enterprises import imports
from enterprises.models import (
    Asset,
    AssetKind,
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    GroundTenure,
    ImportBatch,
    Membership,
    MembershipRole,
    Municipality,
    Province,
    Tenure,
    Theme,
    YearFigures,
)

DEFAULT_PASSWORD = "Een-lang-wachtwoord-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A resident with a verified e-mail address."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"bewoner{n}@example.org")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"medewerker{n}@example.org")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            make_staff(self)


class MunicipalOfficerFactory(UserFactory):
    email = factory.Sequence(lambda n: f"ambtenaar{n}@example.org")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(ensure_roles()[MUNICIPAL_GROUP])


# --- Enterprises --------------------------------------------------------------------------------


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """A fictional municipality (codes GM9xxx are not used by CBS)."""

    class Meta:
        model = Municipality
        django_get_or_create = ["cbs_code"]

    cbs_code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Testgemeente {n}")
    slug = factory.Sequence(lambda n: f"testgemeente-{n}")
    province = Province.UTRECHT


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """A complete, published enterprise unless told otherwise."""

    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Wijkonderneming Proef {n}")
    slug = factory.Sequence(lambda n: f"wijkonderneming-proef-{n}")
    kind = EnterpriseKind.WIJKONDERNEMING
    municipality = factory.SubFactory(MunicipalityFactory)
    neighbourhood = "Proefwijk"
    pitch = "Bewoners runnen samen het buurthuis."
    mission = "De winst gaat terug naar de wijk."
    founded_year = 2015
    status = EnterpriseStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            default = Theme.objects.filter(slug="energie")
            self.themes.set(extracted if extracted is not None else default)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    enterprise = factory.SubFactory(EnterpriseFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.OWNER


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = AssetKind.BUILDING
    name = "Het oude schoolgebouw"
    # A plot of land has only a ground tenure; an owned building stands on owned ground.
    tenure = factory.LazyAttribute(lambda o: "" if o.kind == AssetKind.LAND else Tenure.OWNERSHIP)
    ground_tenure = factory.LazyAttribute(
        lambda o: (
            GroundTenure.OWNERSHIP
            if o.kind == AssetKind.LAND
            or (o.kind == AssetKind.BUILDING and o.tenure == Tenure.OWNERSHIP)
            else ""
        )
    )
    size_m2 = 800


class YearFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearFigures

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2024
    income_sales = 50_000
    income_rent = 20_000
    income_subsidies = 30_000
    expenses = 90_000
    paid_staff_fte = 2
    volunteers = 25


# A sheet as staff upload it: one new enterprise with a year of figures.
IMPORT_CSV = (
    "Naam;Gemeente;Soort;Wijk;Jaar;Verkoop;Uitgaven\r\n"
    "Buurtbedrijf De Linde;GM0344;wijkonderneming;Zuilen;2024;12.500;11.000\r\n"
)


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """The preview of ``IMPORT_CSV`` (or of ``csv``), planned against the portal as it is now:
    what staff see before they confirm it."""

    class Meta:
        model = ImportBatch

    class Params:
        csv = IMPORT_CSV

    uploaded_by = factory.SubFactory(StaffFactory)
    file_name = "wijkondernemingen.csv"
    plan = factory.LazyAttribute(lambda o: imports.make_plan(imports.read_bytes(o.csv.encode())))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        batch = model_class(*args, **kwargs)
        batch.set_counts()
        batch.save()
        return batch


# What a member types for one year's figures (the figures form, Dutch number formats).
YEAR_FIGURES_FORM = {
    "year": "2024",
    "income_sales": "40.000",
    "income_rent": "10000",
    "income_contributions": "0",
    "income_public_contracts": "0",
    "income_subsidies": "50000",
    "income_funds": "0",
    "income_donations": "0",
    "income_loans": "0",
    "expenses": "95.000",
    "paid_staff_fte": "1,5",
    "volunteers": "30",
    "people_from_benefits": "3",
    "residents_reached": "800",
}


def profile_form_data(enterprise, **typed) -> dict:
    """What the profile form of ``enterprise`` sends: its required fields, then ``typed``."""
    return {
        "name": enterprise.name,
        "kind": enterprise.kind,
        "legal_form": "stichting",
        "municipality": enterprise.municipality.pk,
        "neighbourhood": "Proefwijk",
        **typed,
    }


# --- Knowledge base ---------------------------------------------------------------------------

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _an_hour_ago():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(hours=1)


class _KnowledgeItemFactory(factory.django.DjangoModelFactory):
    """Published an hour ago unless told otherwise; the search table follows the item."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    status = "gepubliceerd"
    published_at = factory.LazyFunction(_an_hour_ago)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            from enterprises.models import Theme

            self.themes.set(Theme.objects.filter(slug__in=extracted))

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        if create:
            from knowledge.services import index_item

            index_item(self)


class ReportFactory(_KnowledgeItemFactory):
    class Meta:
        model = "knowledge.Report"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Rapport over buurtkracht {n}")
    slug = factory.Sequence(lambda n: f"rapport-{n}")
    subtitle = "Een fictief onderzoek"
    summary = "Een samenvatting van een fictief rapport over bewoners die hun wijk runnen."
    authors = "Fictieve Auteur"
    key_lessons = "Begin klein\nWerk samen met de gemeente"
    body = "## Inleiding\n\nDit is de tekst van het rapport."
    pdf = factory.django.FileField(data=MINIMAL_PDF, filename="rapport.pdf")
    access = "open"

    @factory.post_generation
    def audiences(self, create, extracted, **kwargs):
        if create and extracted:
            from knowledge.models import Audience

            self.audiences.set(Audience.objects.filter(slug__in=extracted))

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        # Declared again so that it runs after ``audiences``.
        if create:
            from knowledge.services import index_item

            index_item(self)


class FAQCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "knowledge.FAQCategory"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Categorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")


class FAQFactory(_KnowledgeItemFactory):
    class Meta:
        model = "knowledge.FAQ"
        skip_postgeneration_save = True

    question = factory.Sequence(lambda n: f"Hoe werkt vraag {n}?")
    slug = factory.Sequence(lambda n: f"vraag-{n}")
    answer = "Zo werkt het: bewoners doen het samen."
    category = factory.SubFactory(FAQCategoryFactory)


class ArticleFactory(_KnowledgeItemFactory):
    class Meta:
        model = "knowledge.Article"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Artikel {n} over de buurt")
    slug = factory.Sequence(lambda n: f"artikel-{n}")
    kind = "tips"
    lead = "Een korte inleiding."
    body = "De tekst van het artikel."
    author = "Fictieve Redacteur"


class CaseDescriptionFactory(_KnowledgeItemFactory):
    class Meta:
        model = "knowledge.CaseDescription"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Casus {n}")
    slug = factory.Sequence(lambda n: f"casus-{n}")
    summary = "Hoe een fictief bewonersbedrijf een gebouw kocht."
    body = "## Aanleiding\n\nHet begon in de buurt."
    subject_name = "Bewonersbedrijf Fictief"


class ReportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "knowledge.ReportRequest"

    report = factory.SubFactory(ReportFactory, access="op-aanvraag")
    name = "Fictieve Aanvrager"
    email = factory.Sequence(lambda n: f"aanvrager{n}@example.org")
    organisation = "Gemeente Voorbeeld"
    role = "gemeente"
    consent = True


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "knowledge.Subscriber"

    email = factory.Sequence(lambda n: f"lezer{n}@example.org")


# --- Pioneers (the WijkBV programme) ------------------------------------------------------------

from datetime import date, timedelta  # noqa: E402 - appended section, kept together

from pioneers.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    Area,
    Cohort,
    Element,
    Expert,
    FlywheelType,
    Lesson,
    LogEntry,
    LogKind,
    Milestone,
    Pioneer,
    Reading,
    ReadingValue,
    SupportItem,
    Visibility,
)


class CohortFactory(factory.django.DjangoModelFactory):
    """A running three-year cohort whose application window is open today."""

    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"WijkBV proefcohort {n}")
    slug = factory.Sequence(lambda n: f"wijkbv-proefcohort-{n}")
    period_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    period_end = factory.LazyAttribute(lambda o: o.period_start + timedelta(days=3 * 365))
    applications_open = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    applications_close = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    places = 5
    description = "Een proefcohort."


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft; pass status and submitted_at for a submitted one."""

    class Meta:
        model = Application

    cohort = factory.SubFactory(CohortFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    status = ApplicationStatus.DRAFT
    answer_residents = "Bewoners zijn eigenaar."
    answer_ambition = "Het buurthuis kopen."
    flywheel_type = FlywheelType.BUY_BUILDING
    answer_flywheel = "Met een sociale hypotheek."
    answer_feasible = "De gemeente wil verkopen."
    answer_support = "Hulp bij de financiering."
    willing_to_help = True
    answer_help_others = "We delen onze ervaring."
    contact_name = "Contactpersoon Proef"
    contact_email = "contact@example.org"


class PioneerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pioneer

    enterprise = factory.SubFactory(EnterpriseFactory)
    cohort = factory.SubFactory(CohortFactory)
    slug = factory.LazyAttribute(lambda o: o.enterprise.slug)
    started_on = factory.LazyAttribute(lambda o: o.cohort.period_start)
    ambition = "Het oude badhuis van de bewoners."
    flywheel_type = FlywheelType.BUY_BUILDING
    flywheel_plan = "Kopen met obligaties voor buren."


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    pioneer = factory.SubFactory(PioneerFactory)
    title = factory.Sequence(lambda n: f"Mijlpaal {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class LogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogEntry

    pioneer = factory.SubFactory(PioneerFactory)
    kind = LogKind.MEETING
    date = factory.LazyFunction(timezone.localdate)
    text = factory.Sequence(lambda n: f"Gedeeld verslag {n}")
    visibility = Visibility.SHARED


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    pioneer = factory.SubFactory(PioneerFactory)
    title = factory.Sequence(lambda n: f"Les {n}")
    text = "Begin met de exploitatie."


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Expert Proef {n}")
    organisation = "Proefbureau"
    email = factory.Sequence(lambda n: f"expert{n}@example.org")

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


class SupportItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportItem

    pioneer = factory.SubFactory(PioneerFactory)
    area = factory.LazyFunction(lambda: Area.objects.order_by("order").first())
    description = "Hulp bij de taxatie"
    hours_planned = 20
    hours_spent = 5


def make_reading(pioneer, taken_on: date | None = None, position: int = 50, by=None) -> Reading:
    """A reading of every active catalogue element at ``position``."""
    reading = Reading.objects.create(
        pioneer=pioneer, taken_on=taken_on or timezone.localdate(), taken_by=by
    )
    ReadingValue.objects.bulk_create(
        [
            ReadingValue(reading=reading, element=element, position=position)
            for element in Element.objects.filter(pioneer__isnull=True, active=True)
        ]
    )
    return reading


# --- Municipalities ---------------------------------------------------------------------------

from municipalities.models import LinkStatus, OfficerLink  # noqa: E402


class OfficerLinkFactory(factory.django.DjangoModelFactory):
    """An approved link of a municipal officer to a municipality."""

    class Meta:
        model = OfficerLink

    user = factory.SubFactory(MunicipalOfficerFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = LinkStatus.APPROVED
    job_title = "Beleidsadviseur wijkeconomie"
    decided_at = factory.LazyFunction(timezone.now)


# --- Privacy: invitations and followers -------------------------------------------------------

from enterprises.models import Invitation  # noqa: E402
from municipalities.models import Follower  # noqa: E402


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation, valid for another week."""

    class Meta:
        model = Invitation

    enterprise = factory.SubFactory(EnterpriseFactory)
    email = factory.Sequence(lambda n: f"uitgenodigd{n}@example.org")
    role = MembershipRole.EDITOR
    token = factory.Sequence(lambda n: f"uitnodiging-token-{n}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class FollowerFactory(factory.django.DjangoModelFactory):
    """Someone who follows a municipality's digest by e-mail (unconfirmed unless told)."""

    class Meta:
        model = Follower

    municipality = factory.SubFactory(MunicipalityFactory)
    email = factory.Sequence(lambda n: f"volger{n}@example.org")


# --- Monitor ----------------------------------------------------------------------------------

from monitor.models import ReportingRound, RoundInvitation  # noqa: E402


class ReportingRoundFactory(factory.django.DjangoModelFactory):
    """An open reporting round over last year, its deadline a month away."""

    class Meta:
        model = ReportingRound

    year = factory.LazyFunction(lambda: timezone.localdate().year - 1)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    opened_by = factory.SubFactory(StaffFactory)


class RoundInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundInvitation

    round = factory.SubFactory(ReportingRoundFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
