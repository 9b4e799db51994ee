"""The audit log: every sensitive action writes one entry (who, what, when, on which object) in
the transaction of the action itself; staff read the log in the admin and nobody edits it."""

from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import MUNICIPAL_GROUP, STAFF_GROUP, make_staff
from enterprises import services as enterprise_services
from enterprises.models import EnterpriseStatus, Membership, MembershipRole
from knowledge import services as knowledge_services
from knowledge.models import PdfJob, Status
from lsa_portal import audit
from lsa_portal.models import AuditAction, AuditEntry
from lsa_portal.pdf_jobs import PdfJobStatus
from municipalities import services as municipal_services
from municipalities.models import LinkStatus
from pioneers import services as pioneer_services
from pioneers.models import Element
from tests.factories import (
    ApplicationFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    InvitationFactory,
    MembershipFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    PioneerFactory,
    ReportRequestFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff():
    user = StaffFactory()
    AuditEntry.objects.all().delete()  # making the staff member is itself a logged role change
    return user


def only_entry(action) -> AuditEntry:
    """The single entry of ``action``; fails when there is none or more than one."""
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


def assert_target(entry: AuditEntry, target) -> None:
    assert entry.target_type is not None, entry
    assert entry.target_type.model_class() is type(target)
    assert entry.target_id == str(target.pk)


# --- The helper -------------------------------------------------------------------------------


def test_record_keeps_who_what_when_and_which_object():
    user = UserFactory()
    enterprise = EnterpriseFactory(name="Buurtbedrijf De Brug")
    before = timezone.now()
    entry = audit.record(user, audit.Action.ENTERPRISE_PUBLISHED, enterprise, note="x")
    entry.refresh_from_db()
    assert entry.actor == user and entry.actor_number == user.pk
    assert entry.action == "enterprise.published"
    assert entry.created_at >= before
    assert_target(entry, enterprise)
    assert entry.target_label == "Buurtbedrijf De Brug"
    assert entry.details == {"note": "x"}


def test_an_anonymous_actor_is_the_system_and_an_account_is_named_by_number_only():
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory(first_name="Geheim", email="geheim@example.org")
    entry = audit.record(AnonymousUser(), audit.Action.ACCOUNT_DELETED, user)
    assert entry.actor is None and entry.actor_number is None
    assert entry.target_label == f"#{user.pk}"
    assert "geheim" not in str(entry.details).lower()


def test_an_action_that_is_rolled_back_leaves_no_entry(staff):
    enterprise = EnterpriseFactory(status=EnterpriseStatus.SUBMITTED, published_at=None)
    with pytest.raises(RuntimeError), transaction.atomic():
        enterprise_services.publish(enterprise, by=staff)
        raise RuntimeError("the request failed after the service")
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.SUBMITTED
    assert not AuditEntry.objects.exists()


def test_a_service_that_fails_after_writing_its_entry_leaves_no_entry():
    enterprise = EnterpriseFactory()
    owner = MembershipFactory(enterprise=enterprise, role=MembershipRole.OWNER).user
    editor = MembershipFactory(enterprise=enterprise, role=MembershipRole.EDITOR)
    with (
        mock.patch.object(Membership, "delete", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        enterprise_services.remove_member(editor, by=owner)
    assert Membership.objects.filter(pk=editor.pk).exists()
    assert not AuditEntry.objects.exists()


def test_a_refused_action_leaves_no_entry(staff):
    from django.core.exceptions import ValidationError

    enterprise = EnterpriseFactory(status=EnterpriseStatus.CONCEPT, published_at=None)
    with pytest.raises(ValidationError):
        enterprise_services.publish(enterprise, by=staff)
    assert not AuditEntry.objects.exists()


# --- Every sensitive action writes one entry ----------------------------------------------------


def test_publishing_and_rejecting_are_logged(staff):
    published = EnterpriseFactory(status=EnterpriseStatus.SUBMITTED, published_at=None)
    rejected = EnterpriseFactory(status=EnterpriseStatus.SUBMITTED, published_at=None)
    enterprise_services.publish(published, by=staff)
    enterprise_services.reject(rejected, by=staff, reason="De missie ontbreekt.")
    entry = only_entry(AuditAction.ENTERPRISE_PUBLISHED)
    assert entry.actor == staff
    assert_target(entry, published)
    entry = only_entry(AuditAction.ENTERPRISE_REJECTED)
    assert entry.actor == staff
    assert_target(entry, rejected)


def test_membership_changes_are_logged():
    enterprise = EnterpriseFactory()
    owner = MembershipFactory(enterprise=enterprise, role=MembershipRole.OWNER).user
    newcomer = UserFactory(email="nieuw@example.org")

    invitation = enterprise_services.invite_member(
        enterprise, by=owner, email="nieuw@example.org", role=MembershipRole.EDITOR
    )
    entry = only_entry(AuditAction.MEMBER_INVITED)
    assert (entry.actor, entry.details["role"]) == (owner, "redacteur")
    assert "nieuw@example.org" not in str(entry.details)

    membership = enterprise_services.accept_invitation(invitation, by=newcomer)
    entry = only_entry(AuditAction.MEMBER_JOINED)
    assert entry.actor == newcomer and entry.details["member"] == newcomer.pk
    assert_target(entry, enterprise)

    enterprise_services.change_role(membership, by=owner, role=MembershipRole.OWNER)
    entry = only_entry(AuditAction.MEMBER_ROLE_CHANGED)
    assert entry.details == {
        "member": newcomer.pk,
        "previous_role": "redacteur",
        "role": "eigenaar",
    }

    enterprise_services.remove_member(membership, by=owner)
    entry = only_entry(AuditAction.MEMBER_REMOVED)
    assert (entry.actor, entry.details["member"], entry.details["left"]) == (
        owner,
        newcomer.pk,
        False,
    )

    open_invitation = InvitationFactory(enterprise=enterprise)
    enterprise_services.withdraw_invitation(open_invitation, by=owner)
    assert only_entry(AuditAction.INVITATION_WITHDRAWN).actor == owner


def test_withdrawing_an_invitation_on_the_members_page_is_logged(client):
    enterprise = EnterpriseFactory()
    owner = MembershipFactory(enterprise=enterprise, role=MembershipRole.OWNER).user
    invitation = InvitationFactory(enterprise=enterprise)
    client.force_login(owner)
    url = reverse("enterprises:invitation_revoke", args=[enterprise.slug, invitation.pk])
    assert client.post(url).status_code == 302
    entry = only_entry(AuditAction.INVITATION_WITHDRAWN)
    assert entry.details == {"invitation": invitation.pk}


def test_programme_decisions_are_logged(staff):
    application = ApplicationFactory(status="ingediend", submitted_at=timezone.now())
    pioneer_services.decide(application, by=staff, decision="geselecteerd")
    entry = only_entry(AuditAction.APPLICATION_DECIDED)
    assert entry.actor == staff
    assert_target(entry, application)
    assert entry.details["decision"] == "geselecteerd"
    assert entry.details["pioneer"] == application.pioneer.pk


def test_a_mengpaneel_reading_is_logged(staff):
    pioneer = PioneerFactory()
    element = Element.objects.filter(pioneer__isnull=True, active=True).first()
    reading = pioneer_services.record_reading(
        pioneer,
        by=staff,
        taken_on=timezone.localdate(),
        values=[pioneer_services.FaderInput(element=element, position=65)],
    )
    entry = only_entry(AuditAction.READING_RECORDED)
    assert entry.actor == staff
    assert_target(entry, reading)
    assert entry.details == {"pioneer": pioneer.pk, "faders": {str(element.pk): 65}}


def test_making_someone_staff_is_logged(staff):
    user = UserFactory()
    make_staff(user, by=staff)
    entry = only_entry(AuditAction.ROLES_CHANGED)
    assert entry.actor == staff
    assert_target(entry, user)
    assert entry.details == {"added": [STAFF_GROUP, "is_staff"], "removed": []}


def _admin_form_data(response) -> dict:
    """The POST data of an admin change form as the page shows it (inlines included)."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or field.disabled:
                continue
            key = form.add_prefix(name)
            widget_data = field.widget.format_value(value) if not isinstance(value, list) else value
            widget_data = "" if widget_data is None else widget_data
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif hasattr(field.widget, "widgets"):  # split date and time
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{index}"] = part or ""
            else:
                data[key] = widget_data
    return data


def test_a_role_change_in_the_admin_is_logged(client):
    admin_user = StaffFactory(is_superuser=True)
    user = UserFactory()
    AuditEntry.objects.all().delete()
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = _admin_form_data(client.get(url))
    data["groups"] = [Group.objects.get(name=MUNICIPAL_GROUP).pk]

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = only_entry(AuditAction.ROLES_CHANGED)
    assert entry.actor == admin_user
    assert_target(entry, user)
    assert entry.details == {"added": [MUNICIPAL_GROUP], "removed": []}


def test_a_membership_change_in_the_admin_is_logged(client):
    admin_user = StaffFactory(is_superuser=True)
    enterprise = EnterpriseFactory()
    membership = MembershipFactory(enterprise=enterprise, role=MembershipRole.EDITOR)
    AuditEntry.objects.all().delete()
    client.force_login(admin_user)
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    data = _admin_form_data(client.get(url))
    assert data["memberships-0-id"] == str(membership.pk)
    data["memberships-0-role"] = MembershipRole.OWNER

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    entry = only_entry(AuditAction.MEMBER_ROLE_CHANGED)
    assert entry.actor == admin_user
    assert entry.details["member"] == membership.user_id
    assert entry.details["role"] == "eigenaar"


def test_deciding_an_officer_link_is_logged(staff):
    link = OfficerLinkFactory(status=LinkStatus.REQUESTED, decided_at=None)
    municipal_services.decide_link(link, by=staff, approve=True)
    entry = only_entry(AuditAction.OFFICER_LINK_DECIDED)
    assert entry.actor == staff
    assert_target(entry, link.municipality)
    assert entry.details == {"officer": link.user_id, "approved": True}


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_an_officer_downloading_the_municipal_data_is_logged(client, name):
    link = OfficerLinkFactory(user=MunicipalOfficerFactory())
    AuditEntry.objects.all().delete()
    client.force_login(link.user)
    response = client.get(reverse(f"municipalities:{name}", args=[link.municipality.slug]))
    assert response.status_code == 200
    entry = only_entry(AuditAction.DATA_EXPORTED)
    assert entry.actor == link.user
    assert_target(entry, link.municipality)
    assert entry.details["format"] == name.removeprefix("export_")


def test_a_refused_municipal_download_is_not_logged(client):
    officer = MunicipalOfficerFactory()
    link = OfficerLinkFactory()  # someone else's municipality
    AuditEntry.objects.all().delete()
    client.force_login(officer)
    response = client.get(reverse("municipalities:export_csv", args=[link.municipality.slug]))
    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("name", "export"),
    [("export_requests", "report_requests"), ("export_subscribers", "subscribers")],
)
def test_staff_exports_of_the_knowledge_base_are_logged(client, staff, name, export):
    ReportRequestFactory()
    client.force_login(staff)
    assert client.get(reverse(f"knowledge:{name}")).status_code == 200
    entry = only_entry(AuditAction.DATA_EXPORTED)
    assert entry.actor == staff
    assert entry.details["export"] == export


def test_a_download_of_a_report_on_request_is_logged(client):
    report_request = ReportRequestFactory()
    token = knowledge_services.download_token(report_request)
    url = reverse(
        "knowledge:report_download_signed",
        kwargs={"slug": report_request.report.slug, "token": token},
    )
    response = client.get(url)
    assert response.status_code == 200
    entry = only_entry(AuditAction.FILE_DOWNLOADED)
    assert entry.actor is None  # whoever holds the link
    assert_target(entry, report_request.report)
    assert entry.details == {"report_request": report_request.pk}


def _done_job(case) -> PdfJob:
    return PdfJob.objects.create(
        case=case,
        input_hash="x",
        status=PdfJobStatus.DONE,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="casus.pdf"),
    )


def test_a_download_of_a_draft_case_pdf_is_logged_and_a_public_one_is_not(client, staff):
    draft = CaseDescriptionFactory(status=Status.DRAFT, published_at=None)
    public = CaseDescriptionFactory()
    draft_job, _public_job = _done_job(draft), _done_job(public)
    client.force_login(staff)

    assert client.get(reverse("knowledge:case_pdf", args=[public.slug])).status_code == 200
    assert not AuditEntry.objects.exists()
    assert client.get(reverse("knowledge:case_pdf", args=[draft.slug])).status_code == 200

    entry = only_entry(AuditAction.FILE_DOWNLOADED)
    assert entry.actor == staff
    assert_target(entry, draft_job)


# --- The admin: read-only, for staff --------------------------------------------------------------


@pytest.fixture
def entry(staff):
    return audit.record(staff, audit.Action.ENTERPRISE_PUBLISHED, EnterpriseFactory(name="De Brug"))


def test_staff_read_the_log_in_the_admin(client, staff, entry):
    client.force_login(staff)
    response = client.get(reverse("admin:lsa_portal_auditentry_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "De Brug" in html
    assert staff.email in html
    detail = client.get(reverse("admin:lsa_portal_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_nobody_adds_changes_or_deletes_an_entry_not_even_a_superuser(client, entry):
    superuser = StaffFactory(is_superuser=True)
    client.force_login(superuser)
    assert client.get(reverse("admin:lsa_portal_auditentry_add")).status_code == 403
    change = reverse("admin:lsa_portal_auditentry_change", args=[entry.pk])
    client.post(change, {"action": "account.deleted"})
    delete = reverse("admin:lsa_portal_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:lsa_portal_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    entry.refresh_from_db()
    assert entry.action == "enterprise.published"


def test_residents_do_not_see_the_log(client, entry):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:lsa_portal_auditentry_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_deleted_actor_is_shown_by_number(client, staff):
    resident = UserFactory()
    audit.record(resident, audit.Action.PERSONAL_DATA_EXPORTED, resident)
    number = resident.pk
    resident.delete()
    client.force_login(staff)
    html = client.get(reverse("admin:lsa_portal_auditentry_changelist")).content.decode()
    assert f"verwijderd account #{number}" in html


def test_a_decision_set_by_hand_in_the_admin_is_logged(client):
    admin_user = StaffFactory(is_superuser=True)
    application = ApplicationFactory(status="ingediend", submitted_at=timezone.now())
    link = OfficerLinkFactory(status=LinkStatus.REQUESTED, decided_at=None)
    AuditEntry.objects.all().delete()
    client.force_login(admin_user)

    url = reverse("admin:pioneers_application_change", args=[application.pk])
    data = _admin_form_data(client.get(url))
    data["status"] = "wachtlijst"
    assert client.post(url, data).status_code == 302
    entry = only_entry(AuditAction.APPLICATION_DECIDED)
    assert entry.actor == admin_user
    assert_target(entry, application)
    assert entry.details["decision"] == "wachtlijst" and entry.details["in_admin"] is True

    url = reverse("admin:municipalities_officerlink_change", args=[link.pk])
    data = _admin_form_data(client.get(url))
    data["status"] = LinkStatus.APPROVED
    assert client.post(url, data).status_code == 302
    link.refresh_from_db()
    assert link.decided_by == admin_user and link.decided_at is not None
    entry = only_entry(AuditAction.OFFICER_LINK_DECIDED)
    assert entry.details == {"officer": link.user_id, "status": "goedgekeurd", "in_admin": True}


@pytest.mark.parametrize("query", ["De Brug", "12", "abc", "#1", "'; drop table"])
def test_searching_the_log_never_fails(client, staff, entry, query):
    client.force_login(staff)
    response = client.get(reverse("admin:lsa_portal_auditentry_changelist"), {"q": query})
    assert response.status_code == 200
