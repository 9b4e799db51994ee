"""Invitations go when their link expires; the memberships they led to stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enterprises import services
from enterprises.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_expired_invitations_are_deleted_open_or_accepted():
    now = timezone.now()
    expired = InvitationFactory(expires_at=now - timedelta(minutes=1))
    accepted = InvitationFactory()
    services.accept_invitation(accepted, by=UserFactory(email=accepted.email))
    Invitation.objects.filter(pk=accepted.pk).update(expires_at=now - timedelta(days=1))
    still_open = InvitationFactory(expires_at=now + timedelta(days=1))

    assert services.delete_expired_invitations(now) == 2

    assert list(Invitation.objects.all()) == [still_open]
    assert not Invitation.objects.filter(pk=expired.pk).exists()
    assert Membership.objects.filter(
        enterprise=accepted.enterprise, user__email=accepted.email
    ).exists()


def test_an_invitation_is_deleted_fourteen_days_after_it_was_sent():
    owner = MembershipFactory().user
    enterprise = owner.enterprises.get()
    invitation = services.invite_member(
        enterprise, by=owner, email="nieuw@example.org", role="redacteur"
    )
    day_thirteen = timezone.now() + timedelta(days=services.INVITATION_DAYS - 1)
    assert services.delete_expired_invitations(day_thirteen) == 0
    day_fifteen = timezone.now() + timedelta(days=services.INVITATION_DAYS, minutes=1)
    assert services.delete_expired_invitations(day_fifteen) == 1
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
