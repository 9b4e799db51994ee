"""The profile and the assets are written by services: each write is saved, attributed in the
history and recorded in the audit log with its actor; a refused write changes nothing and
leaves no entry."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from enterprises import services
from enterprises.models import Asset, AssetKind, Enterprise, EnterpriseStatus, MembershipRole, Theme
from lsa_portal.models import AuditAction, AuditEntry
from tests.factories import (
    AssetFactory,
    EnterpriseFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
    profile_form_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def enterprise(owner):
    enterprise = EnterpriseFactory(status=EnterpriseStatus.CONCEPT, published_at=None)
    MembershipFactory(enterprise=enterprise, user=owner, role=MembershipRole.OWNER)
    AuditEntry.objects.all().delete()
    return enterprise


def only_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, entries
    return entries[0]


def assert_on(entry: AuditEntry, target) -> None:
    assert entry.target_type is not None, entry
    assert entry.target_type.model_class() is type(target)
    assert entry.target_id == str(target.pk)


# --- The profile ------------------------------------------------------------------------------


def test_a_profile_update_is_saved_attributed_and_logged(owner, enterprise):
    other = Theme.objects.exclude(enterprises=enterprise).first()
    earlier = enterprise.history.count()
    services.update_profile(
        enterprise, by=owner, changes={"pitch": "Samen stroom.", "themes": [other]}
    )
    enterprise.refresh_from_db()
    assert enterprise.pitch == "Samen stroom."
    assert list(enterprise.themes.all()) == [other]
    # the save, then the themes: the old one taken off, the new one put on
    records = list(enterprise.history.all()[: enterprise.history.count() - earlier])
    assert [record.history_user for record in records] == [owner] * 3
    assert [list(r.themes.values_list("theme_id", flat=True)) for r in records][0] == [other.pk]
    entry = only_entry()
    assert (entry.action, entry.actor) == (AuditAction.ENTERPRISE_PROFILE_CHANGED, owner)
    assert_on(entry, enterprise)
    assert entry.details == {"fields": ["pitch", "themes"]}


def test_a_profile_update_names_only_the_fields_that_changed(owner, enterprise):
    services.update_profile(
        enterprise, by=owner, changes={"name": enterprise.name, "mission": "Iets nieuws."}
    )
    assert only_entry().details == {"fields": ["mission"]}


def test_a_profile_update_keeps_a_status_that_changed_since_the_form_was_opened(owner, enterprise):
    opened = Enterprise.objects.get(pk=enterprise.pk)  # the form's copy: still a concept
    Enterprise.objects.filter(pk=enterprise.pk).update(status=EnterpriseStatus.SUBMITTED)
    services.update_profile(opened, by=owner, changes={"pitch": "Bijgewerkt."})
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.pitch) == (EnterpriseStatus.SUBMITTED, "Bijgewerkt.")


def test_someone_else_cannot_update_a_profile_and_nothing_is_written(enterprise):
    stranger = UserFactory()
    histories = enterprise.history.count()
    with pytest.raises(PermissionDenied):
        services.update_profile(enterprise, by=stranger, changes={"pitch": "Overgenomen"})
    enterprise.refresh_from_db()
    assert enterprise.pitch != "Overgenomen"
    assert enterprise.history.count() == histories
    assert not AuditEntry.objects.exists()


def test_a_profile_update_whose_entry_fails_is_not_saved(owner, enterprise):
    with (
        mock.patch("lsa_portal.audit.AuditEntry.save", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        services.update_profile(enterprise, by=owner, changes={"pitch": "Half geschreven"})
    enterprise.refresh_from_db()
    assert enterprise.pitch != "Half geschreven"


def test_the_edit_page_saves_through_the_service(client, owner, enterprise):
    client.force_login(owner)
    url = reverse("enterprises:edit", kwargs={"slug": enterprise.slug})
    response = client.post(url, profile_form_data(enterprise, pitch="Via het formulier."))
    assert response.status_code == 302
    assert response["Location"] == url
    enterprise.refresh_from_db()
    assert enterprise.pitch == "Via het formulier."
    entry = only_entry()
    assert (entry.action, entry.actor) == (AuditAction.ENTERPRISE_PROFILE_CHANGED, owner)
    assert "pitch" in entry.details["fields"]


def test_the_edit_page_refuses_a_stranger_without_an_entry(client, enterprise):
    client.force_login(UserFactory())
    url = reverse("enterprises:edit", kwargs={"slug": enterprise.slug})
    response = client.post(url, profile_form_data(enterprise, pitch="Overgenomen"))
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.pitch != "Overgenomen"
    assert not AuditEntry.objects.exists()


def test_staff_who_keep_an_enterprise_update_its_profile_on_record():
    kept = EnterpriseFactory()  # no owner: staff keep it
    staff = StaffFactory()
    AuditEntry.objects.all().delete()
    services.update_profile(kept, by=staff, changes={"pitch": "Door het bureau."})
    assert only_entry().actor == staff
    assert kept.history.first().history_user == staff


# --- Assets -----------------------------------------------------------------------------------


def new_asset(enterprise) -> Asset:
    return Asset(
        enterprise=enterprise,
        kind=AssetKind.LAND,
        name="Moestuin aan de dijk",
        ground_tenure="huur",
    )


def test_adding_an_asset_is_saved_attributed_and_logged(owner, enterprise):
    asset = services.save_asset(new_asset(enterprise), by=owner)
    assert enterprise.assets.get() == asset
    assert asset.history.get().history_user == owner
    entry = only_entry()
    assert (entry.action, entry.actor) == (AuditAction.ASSET_ADDED, owner)
    assert_on(entry, enterprise)
    assert entry.details == {"asset": asset.pk, "kind": "grond"}


def test_changing_an_asset_is_saved_attributed_and_logged(owner, enterprise):
    asset = AssetFactory(enterprise=enterprise)
    asset.name = "De nieuwe school"
    services.save_asset(asset, by=owner)
    asset.refresh_from_db()
    assert asset.name == "De nieuwe school"
    assert (asset.history.first().history_type, asset.history.first().history_user) == (
        "~",
        owner,
    )
    entry = only_entry()
    assert (entry.action, entry.actor) == (AuditAction.ASSET_CHANGED, owner)
    assert entry.details == {"asset": asset.pk, "kind": "gebouw"}


def test_removing_an_asset_is_attributed_and_logged(owner, enterprise):
    asset = AssetFactory(enterprise=enterprise)
    number = asset.pk
    services.delete_asset(asset, by=owner)
    assert not Asset.objects.filter(pk=number).exists()
    gone = Asset.history.filter(id=number).first()
    assert (gone.history_type, gone.history_user) == ("-", owner)
    entry = only_entry()
    assert (entry.action, entry.actor) == (AuditAction.ASSET_REMOVED, owner)
    assert_on(entry, enterprise)
    assert entry.details == {"asset": number, "kind": "gebouw"}


def test_someone_else_cannot_add_change_or_remove_an_asset(enterprise):
    stranger = UserFactory()
    asset = AssetFactory(enterprise=enterprise)
    with pytest.raises(PermissionDenied):
        services.save_asset(new_asset(enterprise), by=stranger)
    asset.name = "Overgenomen"
    with pytest.raises(PermissionDenied):
        services.save_asset(asset, by=stranger)
    with pytest.raises(PermissionDenied):
        services.delete_asset(asset, by=stranger)
    assert list(enterprise.assets.values_list("name", flat=True)) == ["Het oude schoolgebouw"]
    assert asset.history.count() == 1
    assert not AuditEntry.objects.exists()


def test_an_asset_of_another_enterprise_cannot_be_moved_into_mine(owner, enterprise):
    theirs = AssetFactory()
    AuditEntry.objects.all().delete()
    theirs.enterprise = enterprise  # as if a form had put it under my enterprise
    with pytest.raises(PermissionDenied):
        services.save_asset(theirs, by=owner)
    with pytest.raises(PermissionDenied):
        services.delete_asset(theirs, by=owner)
    theirs.refresh_from_db()
    assert theirs.enterprise != enterprise
    assert not enterprise.assets.exists()
    assert not AuditEntry.objects.exists()


def test_an_archived_enterprise_keeps_its_assets_as_they_are(owner, enterprise):
    asset = AssetFactory(enterprise=enterprise)
    Enterprise.objects.filter(pk=enterprise.pk).update(status=EnterpriseStatus.ARCHIVED)
    with pytest.raises(PermissionDenied):
        services.delete_asset(asset, by=owner)  # ``asset.enterprise`` is the stale copy
    assert enterprise.assets.exists()
    assert not AuditEntry.objects.exists()


def test_the_asset_pages_save_and_remove_through_the_services(client, owner, enterprise):
    client.force_login(owner)
    add = reverse("enterprises:asset_add", kwargs={"slug": enterprise.slug})
    response = client.post(add, {"kind": "grond", "name": "Moestuin", "ground_tenure": "huur"})
    assets = reverse("enterprises:assets", kwargs={"slug": enterprise.slug})
    assert (response.status_code, response["Location"]) == (302, assets)
    asset = enterprise.assets.get()
    edit = reverse("enterprises:asset_edit", kwargs={"slug": enterprise.slug, "pk": asset.pk})
    client.post(edit, {"kind": "grond", "name": "Moestuin Oost", "ground_tenure": "huur"})
    delete = reverse("enterprises:asset_delete", kwargs={"slug": enterprise.slug, "pk": asset.pk})
    response = client.post(delete, follow=True)
    assert response.redirect_chain == [(assets, 302)]
    assert "Het bezit is verwijderd." in response.content.decode()
    assert not enterprise.assets.exists()
    logged = list(AuditEntry.objects.order_by("pk").values_list("action", "actor"))
    assert logged == [
        (AuditAction.ASSET_ADDED, owner.pk),
        (AuditAction.ASSET_CHANGED, owner.pk),
        (AuditAction.ASSET_REMOVED, owner.pk),
    ]
    assert [r.history_user for r in Asset.history.filter(id=asset.pk)] == [owner] * 3


def test_the_asset_pages_refuse_a_stranger_without_an_entry(client, enterprise):
    asset = AssetFactory(enterprise=enterprise)
    client.force_login(UserFactory())
    edit = reverse("enterprises:asset_edit", kwargs={"slug": enterprise.slug, "pk": asset.pk})
    delete = reverse("enterprises:asset_delete", kwargs={"slug": enterprise.slug, "pk": asset.pk})
    assert client.post(edit, {"kind": "gebouw", "name": "Overgenomen"}).status_code == 404
    assert client.post(delete).status_code == 404
    asset.refresh_from_db()
    assert asset.name == "Het oude schoolgebouw"
    assert not AuditEntry.objects.exists()
