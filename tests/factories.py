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
