"""/account/privacy/: a resident downloads everything the portal keeps about them, and deletes
their account (password again; a last owner hands over or archives first)."""

import dataclasses
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts import services
from enterprises import services as enterprise_services
from enterprises.models import Enterprise, EnterpriseStatus, Membership, MembershipRole
from knowledge.models import AdviceRequest, ReportRequest, Subscriber
from lsa_portal import privacy
from lsa_portal.models import AuditAction, AuditEntry
from municipalities.models import Follower
from pioneers.models import Application
from tests.factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    EnterpriseFactory,
    FollowerFactory,
    InvitationFactory,
    MembershipFactory,
    ReportRequestFactory,
    StaffFactory,
    SubscriberFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
PRIVACY = reverse("accounts:privacy")
EXPORT = reverse("accounts:privacy_export")
DELETE = reverse("accounts:delete_account")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def resident():
    return UserFactory(email="fatima@example.org", first_name="Fatima", last_name="Proef")


@pytest.fixture
def shared_enterprise(resident):
    """A published enterprise the resident edits, with another owner and a public history."""
    enterprise = EnterpriseFactory(
        name="Buurtbedrijf De Brug",
        contact_name="Fatima Proef",
        contact_email="Fatima@example.org",
        municipality_may_contact=True,
    )
    MembershipFactory(enterprise=enterprise, user=UserFactory(), role=MembershipRole.OWNER)
    MembershipFactory(enterprise=enterprise, user=resident, role=MembershipRole.EDITOR)
    YearFiguresFactory(enterprise=enterprise, year=2024)
    enterprise.pitch = "Bewoners van De Brug runnen het buurthuis."
    enterprise._history_user = resident
    enterprise.save()
    return enterprise


def test_the_privacy_page_needs_a_login(client):
    response = client.get(PRIVACY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_account_menu_links_to_the_privacy_page(client, resident):
    client.force_login(resident)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{PRIVACY}"' in html
    assert "Mijn gegevens en privacy" in html


def test_the_privacy_page_offers_the_download_and_the_deletion(client, resident):
    client.force_login(resident)
    html = client.get(PRIVACY).content.decode()
    assert f'action="{EXPORT}"' in html
    assert f'action="{DELETE}"' in html
    assert 'autocomplete="current-password"' in html
    assert f'href="{reverse("privacy_statement")}"' in html


# --- Download ---------------------------------------------------------------------------------


def test_the_download_holds_everything_about_me_and_nothing_about_others(client, resident):
    EmailAddress.objects.create(user=resident, email="niet-bevestigd@example.org", verified=False)
    owned = enterprise_services.register(
        by=resident,
        name="Energie van Hier",
        kind="energiecooperatie",
        municipality=EnterpriseFactory().municipality,
        neighbourhood="Noord",
    )
    enterprise_services.invite_member(
        owned, by=resident, email="buurvrouw@example.org", role=MembershipRole.EDITOR
    )
    InvitationFactory(email="fatima@example.org", enterprise=EnterpriseFactory(name="Groen Dorp"))
    ApplicationFactory(
        enterprise=owned,
        created_by=resident,
        contact_name="Fatima Proef",
        contact_email="fatima@example.org",
        contact_phone="06-12345678",
    )
    SubscriberFactory(email="fatima@example.org", confirmed_at=timezone.now(), name="Fatima")
    SubscriberFactory(email="iemand-anders@example.org")
    SubscriberFactory(email="niet-bevestigd@example.org")  # not proven to be hers
    ReportRequestFactory(email="fatima@example.org", name="Fatima Proef")
    FollowerFactory(email="fatima@example.org", municipality=owned.municipality)
    client.force_login(resident)

    response = client.post(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mijn-gegevens-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "fatima@example.org"
    assert data["account"]["first_name"] == "Fatima"
    assert {item["email"] for item in data["account"]["email_addresses"]} == {
        "fatima@example.org",
        "niet-bevestigd@example.org",
    }
    enterprises = data["enterprises"]
    assert [item["enterprise"] for item in enterprises["memberships"]] == ["Energie van Hier"]
    assert enterprises["memberships"][0]["role"] == "eigenaar"
    assert [item["enterprise"] for item in enterprises["registered"]] == ["Energie van Hier"]
    assert enterprises["registered"][0]["status"] == "concept"
    assert [item["enterprise"] for item in enterprises["invitations_sent"]] == ["Energie van Hier"]
    assert "buurvrouw@example.org" not in response.content.decode()  # someone else's address
    assert [item["enterprise"] for item in enterprises["invitations_received"]] == ["Groen Dorp"]
    application = data["programme"]["applications"][0]
    assert application["enterprise"] == "Energie van Hier"
    assert application["contact_phone"] == "06-12345678"
    assert application["started_by_me"] is True
    newsletter = data["knowledge"]["newsletter"]
    assert [(item["email"], item["confirmed"]) for item in newsletter] == [
        ("fatima@example.org", True)
    ]
    assert [item["name"] for item in data["knowledge"]["report_requests"]] == ["Fatima Proef"]
    assert [item["municipality"] for item in data["municipalities"]["digests_followed"]] == [
        owned.municipality.name
    ]
    assert "iemand-anders@example.org" not in response.content.decode()
    assert len(data["knowledge"]["newsletter"]) == 1  # not the unverified address's sign-up


def test_the_download_is_in_the_audit_log(client, resident):
    client.force_login(resident)
    client.post(EXPORT)
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.PERSONAL_DATA_EXPORTED
    assert entry.actor == resident
    assert entry.target_id == str(resident.pk)
    assert "fatima" not in entry.target_label


def test_the_download_is_a_post_only(client, resident):
    client.force_login(resident)
    assert client.get(EXPORT).status_code == 405
    assert not AuditEntry.objects.exists()


# --- Deletion ---------------------------------------------------------------------------------


def test_a_wrong_password_is_refused_in_dutch_and_nothing_is_deleted(
    client, resident, shared_enterprise
):
    client.force_login(resident)
    response = client.post(DELETE, {"password": "niet-mijn-wachtwoord"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit wachtwoord klopt niet." in html
    assert 'aria-invalid="true"' in html
    assert User.objects.filter(pk=resident.pk).exists()
    assert Membership.objects.filter(user=resident).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ACCOUNT_DELETED).exists()
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in


def test_an_empty_password_is_asked_for_in_dutch(client, resident):
    client.force_login(resident)
    response = client.post(DELETE, {"password": ""})
    assert "Vul je wachtwoord in om je account te verwijderen." in response.content.decode()
    assert User.objects.filter(pk=resident.pk).exists()


def test_the_last_owner_is_asked_to_hand_over_or_archive_first(client, resident):
    enterprise = EnterpriseFactory(name="Buurthuis Het Anker", slug="het-anker")
    MembershipFactory(enterprise=enterprise, user=resident, role=MembershipRole.OWNER)
    MembershipFactory(enterprise=enterprise, user=UserFactory(), role=MembershipRole.EDITOR)
    client.force_login(resident)

    html = client.get(PRIVACY).content.decode()
    assert "Je bent de laatste eigenaar van Buurthuis Het Anker." in html
    assert f'href="{reverse("enterprises:members", kwargs={"slug": "het-anker"})}"' in html
    assert f'href="{reverse("enterprises:archive", kwargs={"slug": "het-anker"})}"' in html
    assert f'action="{DELETE}"' not in html

    response = client.post(DELETE, {"password": DEFAULT_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == PRIVACY
    assert "Je account kan nog niet worden verwijderd" in response.content.decode()
    assert User.objects.filter(pk=resident.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ACCOUNT_DELETED).exists()


def test_after_handing_over_the_account_can_go(resident):
    enterprise = EnterpriseFactory(name="Buurthuis Het Anker")
    MembershipFactory(enterprise=enterprise, user=resident, role=MembershipRole.OWNER)
    other = MembershipFactory(enterprise=enterprise, user=UserFactory(), role=MembershipRole.EDITOR)
    assert services.deletion_blockers(resident)
    enterprise_services.change_role(other, by=resident, role=MembershipRole.OWNER)
    assert services.deletion_blockers(resident) == []
    services.delete_account(by=resident, password=DEFAULT_PASSWORD)
    assert list(enterprise.members.all()) == [other.user]


def test_an_owner_archives_their_enterprise_and_then_the_account_can_go(client, resident):
    enterprise = EnterpriseFactory(name="Buurthuis Het Anker", slug="het-anker")
    MembershipFactory(enterprise=enterprise, user=resident, role=MembershipRole.OWNER)
    client.force_login(resident)
    archive = reverse("enterprises:archive", kwargs={"slug": "het-anker"})

    assert "Buurthuis Het Anker archiveren" in client.get(archive).content.decode()
    response = client.post(archive)

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.ARCHIVED
    assert services.deletion_blockers(resident) == []
    entry = AuditEntry.objects.get(action=AuditAction.ENTERPRISE_ARCHIVED)
    assert entry.actor == resident and entry.target_id == str(enterprise.pk)


def test_an_editor_cannot_archive(client, resident, shared_enterprise):
    client.force_login(resident)
    archive = reverse("enterprises:archive", kwargs={"slug": shared_enterprise.slug})
    assert client.get(archive).status_code == 404
    assert client.post(archive).status_code == 404
    shared_enterprise.refresh_from_db()
    assert shared_enterprise.status == EnterpriseStatus.PUBLISHED


def test_staff_accounts_are_emptied_not_deleted_from_the_privacy_page(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert "niet verwijderd maar leeggemaakt" in client.get(PRIVACY).content.decode()
    client.post(DELETE, {"password": DEFAULT_PASSWORD})
    assert User.objects.get(pk=staff.pk).is_forgotten  # tests/accounts/test_staff_accounts.py


def test_deleting_removes_the_person_and_keeps_the_enterprise_and_its_history(
    client, resident, shared_enterprise
):
    pk = resident.pk
    history_rows = shared_enterprise.history.count()
    SubscriberFactory(email="fatima@example.org")
    ReportRequestFactory(email="FATIMA@example.org")
    InvitationFactory(email="fatima@example.org")
    FollowerFactory(email="fatima@example.org")
    advice = AdviceRequest.objects.create(
        name="Fatima Proef",
        email="fatima@example.org",
        organisation="Gemeente Voorbeeld",
        topic="workshop",
        message="Graag een workshop.",
        consent=True,
    )
    application = ApplicationFactory(
        enterprise=shared_enterprise, created_by=resident, contact_email="fatima@example.org"
    )
    client.force_login(resident)

    response = client.post(DELETE, {"password": DEFAULT_PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Je account en je persoonsgegevens zijn verwijderd." in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302  # logged out
    assert not User.objects.filter(pk=pk).exists()
    assert not EmailAddress.objects.filter(email="fatima@example.org").exists()
    assert not Membership.objects.filter(user_id=pk).exists()
    # The enterprise and its public history stay, without the person.
    enterprise = Enterprise.objects.get(pk=shared_enterprise.pk)
    assert enterprise.status == EnterpriseStatus.PUBLISHED
    assert enterprise.pitch == "Bewoners van De Brug runnen het buurthuis."
    assert enterprise.year_figures.count() == 1
    assert enterprise.memberships.filter(role=MembershipRole.OWNER).count() == 1
    assert (enterprise.contact_name, enterprise.contact_email) == ("", "")
    assert not enterprise.municipality_may_contact
    assert enterprise.history.count() > history_rows  # the clean-up is a new version
    assert not enterprise.history.filter(contact_email__iexact="fatima@example.org").exists()
    assert not enterprise.history.filter(history_user_id=pk).exists()
    # What was given with the address goes; the organisation's question stays, nameless.
    assert not Subscriber.objects.filter(email="fatima@example.org").exists()
    assert not ReportRequest.objects.filter(email__iexact="fatima@example.org").exists()
    assert not Follower.objects.filter(email="fatima@example.org").exists()
    advice.refresh_from_db()
    assert (advice.name, advice.email, advice.organisation) == ("", "", "Gemeente Voorbeeld")
    application = Application.objects.get(pk=application.pk)
    assert application.created_by is None and application.contact_email == ""
    # The audit log keeps the number, not the person.
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_DELETED)
    assert entry.actor is None and entry.actor_number == pk
    assert entry.target_label == f"#{pk}"


def test_a_deletion_that_fails_halfway_leaves_everything_as_it_was(
    resident, shared_enterprise, monkeypatch
):
    SubscriberFactory(email="fatima@example.org")

    def broken(user, addresses):
        raise RuntimeError("disk full")

    section = next(item for item in privacy.sections() if item.key == "municipalities")
    monkeypatch.setitem(
        privacy._sections, "municipalities", dataclasses.replace(section, erase=broken)
    )

    with pytest.raises(RuntimeError):
        services.delete_account(by=resident, password=DEFAULT_PASSWORD)

    assert User.objects.filter(pk=resident.pk).exists()
    shared_enterprise.refresh_from_db()
    assert shared_enterprise.contact_email == "Fatima@example.org"  # the earlier erase undone
    assert Subscriber.objects.filter(email="fatima@example.org").exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ACCOUNT_DELETED).exists()


def _give_data(user, count):
    for number in range(count):
        enterprise = EnterpriseFactory(name=f"Buurtbedrijf {number}")
        MembershipFactory(enterprise=enterprise, user=user, role=MembershipRole.EDITOR)
        InvitationFactory(enterprise=enterprise, email=user.email)
        ApplicationFactory(enterprise=enterprise, created_by=user)
        ReportRequestFactory(email=user.email)
        FollowerFactory(email=user.email)


def test_the_download_takes_as_many_queries_for_much_data_as_for_little(
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    little, much = UserFactory(), UserFactory()
    _give_data(little, 1)
    _give_data(much, 6)
    with CaptureQueriesContext(connection) as queries:
        services.personal_data(little)
    with django_assert_num_queries(len(queries)):
        data = services.personal_data(much)
    assert len(data["enterprises"]["memberships"]) == 6
    assert len(data["programme"]["applications"]) == 6


def test_guessing_the_password_is_rate_limited(client, resident):
    client.force_login(resident)
    for _attempt in range(5):
        assert client.post(DELETE, {"password": "gok"}).status_code == 200
    response = client.post(DELETE, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "Te veel pogingen." in response.content.decode()
    assert User.objects.filter(pk=resident.pk).exists()
