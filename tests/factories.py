"""factory-boy factories for every model the tests need."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import MUNICIPAL_GROUP, ensure_roles, make_staff
from enterprises.models import (
    Asset,
    AssetKind,
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
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
    tenure = Tenure.OWNERSHIP
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
    confirmed = False
