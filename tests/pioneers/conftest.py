import pytest

from enterprises.models import MembershipRole
from tests.factories import (
    ApplicationFactory,
    EnterpriseFactory,
    MembershipFactory,
    PioneerFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture
def member():
    return UserFactory(email="lid@example.org")


@pytest.fixture
def pioneer(member):
    enterprise = EnterpriseFactory(name="BewonersBedrijf Het Badhuis", slug="het-badhuis")
    MembershipFactory(enterprise=enterprise, user=member, role=MembershipRole.OWNER)
    return PioneerFactory(enterprise=enterprise)


@pytest.fixture
def staff():
    return StaffFactory(email="programma@example.org")


@pytest.fixture
def other_resident():
    return UserFactory(email="buurman@example.org")


@pytest.fixture
def submitted_application(pioneer):
    from django.utils import timezone

    return ApplicationFactory(
        enterprise=pioneer.enterprise,
        cohort=pioneer.cohort,
        status="ingediend",
        submitted_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test here creates several users; the production hasher makes that slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
