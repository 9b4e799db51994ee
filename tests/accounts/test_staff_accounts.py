"""Staff accounts are deactivated, never deleted: their review scores stay. A staff member who
asks to be forgotten keeps an emptied, inactive account, shown as "former staff member"."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from lsa_portal.models import AuditAction, AuditEntry
from pioneers import services as pioneer_services
from pioneers.models import ReviewScore
from tests.factories import DEFAULT_PASSWORD, ApplicationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer():
    """A staff member who scored an application."""
    staff = StaffFactory(email="anna.beoordelaar@example.org", first_name="Anna", last_name="Smit")
    application = ApplicationFactory(status="ingediend", submitted_at=timezone.now())
    pioneer_services.score_application(
        application, by=staff, scores={"ambitie": (5, "Sterk plan"), "haalbaar": (3, "")}
    )
    return staff


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(email="beheerder@example.org", is_staff=True, is_superuser=True))
    return client


def _user_admin(name: str, *args) -> str:
    return reverse(f"admin:accounts_user_{name}", args=args)


def _review_page(application) -> str:
    return reverse("pioneers:review", args=[application.pk])


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_has_no_delete_for_a_staff_account(admin_client, reviewer):
    resident = UserFactory()
    change = admin_client.get(_user_admin("change", reviewer.pk)).content.decode()
    assert _user_admin("delete", reviewer.pk) not in change
    assert admin_client.get(_user_admin("delete", reviewer.pk)).status_code == 403
    assert admin_client.post(_user_admin("delete", reviewer.pk), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=reviewer.pk).exists()
    # A resident's account can still be deleted there.
    assert (
        _user_admin("delete", resident.pk)
        in admin_client.get(_user_admin("change", resident.pk)).content.decode()
    )
    assert admin_client.get(_user_admin("delete", resident.pk)).status_code == 200


def test_the_bulk_delete_refuses_when_a_staff_account_is_selected(admin_client, reviewer):
    staff, resident = StaffFactory(), UserFactory()
    selected = {"action": "delete_selected", "_selected_action": [staff.pk, resident.pk]}
    page = admin_client.post(_user_admin("changelist"), selected)
    assert "geen rechten om de volgende" in page.content.decode()
    response = admin_client.post(_user_admin("changelist"), {**selected, "post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk__in=[staff.pk, resident.pk]).count() == 2
    # A reviewer whose staff rights were taken away: its scores protect it.
    reviewer.groups.clear()
    selected = {"action": "delete_selected", "_selected_action": [reviewer.pk], "post": "yes"}
    page = admin_client.post(_user_admin("changelist"), selected).content.decode()
    assert "kan niet worden verwijderd" in page
    assert ReviewScore.objects.filter(reviewer=reviewer).count() == 2


def test_the_admin_deactivates_a_staff_account_and_its_scores_stay(admin_client, reviewer):
    application = ReviewScore.objects.filter(reviewer=reviewer).first().application
    response = admin_client.post(
        _user_admin("changelist"), {"action": "deactivate", "_selected_action": [reviewer.pk]}
    )
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_DEACTIVATED)
    assert entry.target_id == str(reviewer.pk)
    # The account cannot log in any more; its scores stay under its name.
    other = _logged_in(StaffFactory())
    html = other.get(_review_page(application)).content.decode()
    assert "Anna Smit" in html and "Sterk plan" in html
    visitor = Client()
    visitor.post(reverse("account_login"), {"login": reviewer.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in visitor.session


def test_an_account_with_review_scores_cannot_be_deleted_even_without_its_staff_rights(reviewer):
    reviewer.groups.clear()
    with pytest.raises(ProtectedError):
        User.objects.get(pk=reviewer.pk).delete()
    assert ReviewScore.objects.filter(reviewer=reviewer).count() == 2


def test_a_staff_member_who_asks_to_be_forgotten_is_emptied_and_the_scores_say_former_staff(
    client, reviewer
):
    application = ReviewScore.objects.filter(reviewer=reviewer).first().application
    client.force_login(reviewer)
    page = client.get(reverse("accounts:privacy")).content.decode()
    assert "niet verwijderd maar leeggemaakt" in page

    response = client.post(
        reverse("accounts:delete_account"), {"password": DEFAULT_PASSWORD}, follow=True
    )
    assert "als dat van een voormalig medewerker" in response.content.decode()
    assert client.get(reverse("accounts:profile")).status_code == 302  # logged out

    forgotten = User.objects.get(pk=reviewer.pk)
    assert forgotten.forgotten_at is not None
    assert (
        not forgotten.is_active and not forgotten.is_staff and not forgotten.has_usable_password()
    )
    assert (forgotten.first_name, forgotten.last_name) == ("", "")
    assert "anna" not in forgotten.email
    assert not forgotten.groups.exists()
    assert not EmailAddress.objects.filter(user=forgotten).exists()
    assert ReviewScore.objects.filter(reviewer=forgotten).count() == 2
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCOUNT_FORGOTTEN, target_id=str(reviewer.pk)
    ).exists()

    html = _logged_in(StaffFactory()).get(_review_page(application)).content.decode()
    assert "voormalig medewerker" in html
    assert "Sterk plan" in html
    assert "Anna" not in html and "anna.beoordelaar" not in html
    # Nobody logs in as it, and the nightly retention leaves it (its scores need it).
    client.post(reverse("account_login"), {"login": forgotten.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session
    services.delete_unverified_accounts(now=timezone.now() + timedelta(days=400))
    assert User.objects.filter(pk=reviewer.pk).exists()


def test_a_staff_member_who_left_is_forgotten_by_an_administrator(admin_client, reviewer):
    services.deactivate_account(reviewer, by=User.objects.get(email="beheerder@example.org"))
    response = admin_client.post(
        _user_admin("changelist"), {"action": "forget", "_selected_action": [reviewer.pk]}
    )
    assert response.status_code == 302
    forgotten = User.objects.get(pk=reviewer.pk)
    assert forgotten.is_forgotten and str(forgotten) == "voormalig medewerker"
    assert ReviewScore.objects.filter(reviewer=forgotten).count() == 2
    # An emptied account cannot be deleted afterwards either.
    assert admin_client.get(_user_admin("delete", reviewer.pk)).status_code == 403


def test_a_former_reviewer_without_staff_rights_is_emptied_not_deleted(client, reviewer):
    reviewer.groups.clear()
    client.force_login(reviewer)
    client.post(reverse("accounts:delete_account"), {"password": DEFAULT_PASSWORD})
    forgotten = User.objects.get(pk=reviewer.pk)
    assert forgotten.is_forgotten
    assert ReviewScore.objects.filter(reviewer=forgotten).count() == 2


def test_a_resident_is_still_deleted_outright(client):
    resident = UserFactory()
    client.force_login(resident)
    client.post(reverse("accounts:delete_account"), {"password": DEFAULT_PASSWORD})
    assert not User.objects.filter(pk=resident.pk).exists()


def test_the_last_administrator_cannot_erase_itself(client):
    only = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(only)
    assert "laatste beheerder" in client.get(reverse("accounts:privacy")).content.decode()
    client.post(reverse("accounts:delete_account"), {"password": DEFAULT_PASSWORD})
    only.refresh_from_db()
    assert only.is_active and not only.is_forgotten
