"""factory-boy factories for every model the tests need."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from accounts.roles import MUNICIPAL_GROUP, ensure_roles, make_staff

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
