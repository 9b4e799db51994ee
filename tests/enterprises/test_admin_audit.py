"""Staff add, change and remove an enterprise's assets in the admin's change form (the inline
below the enterprise); each change still gets its audit entry, by the staff member."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from enterprises.models import Asset
from lsa_portal.models import AuditAction, AuditEntry
from tests.factories import AssetFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def _form_data(form) -> dict:
    """What the browser sends back for an unchanged form: each field's value as rendered."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == "":
            continue
        key = form.add_prefix(name)
        data[key] = [str(item) for item in value] if isinstance(value, list | tuple) else value
    return data


def _change_form_data(response) -> dict:
    """The admin's change form as it was rendered: the enterprise and every inline."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _form_data(formset.management_form)
        for form in formset.forms:
            data |= _form_data(form)
    return data


def test_assets_added_changed_and_removed_in_the_admin_are_audited(admin_client):
    admin = get_user_model().objects.get(is_superuser=True)
    enterprise = EnterpriseFactory()
    kept = AssetFactory(enterprise=enterprise, name="Het oude schoolgebouw")
    removed = AssetFactory(enterprise=enterprise, kind="grond", name="Moestuin")
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    data = _change_form_data(admin_client.get(url))
    forms = {data[f"assets-{number}-id"]: number for number in range(2)}
    data[f"assets-{forms[kept.pk]}-name"] = "De oude school"
    data[f"assets-{forms[removed.pk]}-DELETE"] = "on"
    data["assets-TOTAL_FORMS"] = 3
    data |= {"assets-2-kind": "gebouw", "assets-2-name": "De bibliotheek", "assets-2-size_m2": 640}
    data |= {"assets-2-tenure": "huur", "assets-2-enterprise": enterprise.pk}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    added = Asset.objects.get(name="De bibliotheek")
    assert set(enterprise.assets.values_list("name", flat=True)) == {"De oude school", added.name}
    entries = AuditEntry.objects.order_by("pk")
    assert {entry.actor for entry in entries} == {admin}
    assert {entry.target_id for entry in entries} == {str(enterprise.pk)}
    assert sorted(
        (entry.action, entry.details["asset"], entry.details["kind"]) for entry in entries
    ) == sorted(
        [
            (AuditAction.ASSET_ADDED, added.pk, "gebouw"),
            (AuditAction.ASSET_CHANGED, kept.pk, kept.kind),
            (AuditAction.ASSET_REMOVED, removed.pk, "grond"),
        ]
    )
    assert all(entry.details["in_admin"] for entry in entries)
