"""An officer asks for a link, staff approve, and the officer then sees what enterprises shared."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from lsa_portal.models import AuditAction, AuditEntry
from municipalities.models import LinkStatus, OfficerLink
from municipalities.services import email_domain_matches
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    StaffFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    town = MunicipalityFactory(name="Deelstad", slug="deelstad")
    EnterpriseFactory(
        municipality=town,
        name="Buurtbedrijf Open",
        contact_name="Kim Open",
        contact_email="kim@open.example.org",
        municipality_may_contact=True,
    )
    EnterpriseFactory(
        municipality=town,
        name="Buurtbedrijf Dicht",
        contact_name="Sam Dicht",
        contact_email="sam@dicht.example.org",
        municipality_may_contact=False,
    )
    return town


def test_officer_requests_link_and_staff_approve(client, town, django_capture_on_commit_callbacks):
    officer = MunicipalOfficerFactory(email="r.officer@deelstad.nl")
    client.force_login(officer)
    response = client.post(
        "/gemeenten/deelstad/koppelen/",
        {"job_title": "Beleidsadviseur", "motivation": "Voor het wijkbeleid."},
        follow=True,
    )
    assert "Staff" in response.content.decode() or "medewerkers" in response.content.decode()
    link = OfficerLink.objects.get(user=officer)
    assert link.status == LinkStatus.REQUESTED and link.domain_matches
    assert "kim@open.example.org" not in client.get("/gemeenten/deelstad/").content.decode()

    staff = StaffFactory()
    client.force_login(staff)
    assert "r.officer@deelstad.nl" in client.get("/gemeenten/koppelingen/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/gemeenten/koppelingen/{link.pk}/", {"decision": "goedkeuren"})
    link.refresh_from_db()
    assert link.status == LinkStatus.APPROVED and link.decided_by == staff
    assert mail.outbox[-1].to == ["r.officer@deelstad.nl"]

    client.force_login(officer)
    html = client.get("/gemeenten/deelstad/").content.decode()
    assert "kim@open.example.org" in html
    assert "sam@dicht.example.org" not in html


def test_rejected_officer_sees_no_contacts_and_may_ask_again(client, town):
    link = OfficerLinkFactory(municipality=town, status=LinkStatus.REQUESTED, decided_at=None)
    client.force_login(StaffFactory())
    client.post(f"/gemeenten/koppelingen/{link.pk}/", {"decision": "afwijzen"})
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED
    client.force_login(link.user)
    assert "kim@open.example.org" not in client.get("/gemeenten/deelstad/").content.decode()
    client.post("/gemeenten/deelstad/koppelen/", {"job_title": "Adviseur"})
    link.refresh_from_db()
    assert link.status == LinkStatus.REQUESTED and link.decided_at is None
    asked = AuditEntry.objects.get(action=AuditAction.OFFICER_LINK_REQUESTED)
    assert asked.actor == link.user and asked.details["again"] is True


def test_a_linked_officer_asking_again_is_refused_and_leaves_no_entry(client, town):
    link = OfficerLinkFactory(municipality=town)
    client.force_login(link.user)
    response = client.post("/gemeenten/deelstad/koppelen/", {"job_title": "Adviseur"}, follow=True)
    assert "U bent al aan deze gemeente gekoppeld." in response.content.decode()
    link.refresh_from_db()
    assert link.status == LinkStatus.APPROVED
    assert not AuditEntry.objects.filter(action=AuditAction.OFFICER_LINK_REQUESTED).exists()


def test_deciding_twice_changes_nothing(client, town):
    link = OfficerLinkFactory(municipality=town)
    client.force_login(StaffFactory())
    response = client.post(
        f"/gemeenten/koppelingen/{link.pk}/", {"decision": "afwijzen"}, follow=True
    )
    link.refresh_from_db()
    assert link.status == LinkStatus.APPROVED
    assert response.status_code == 200


def test_a_request_without_job_title_is_refused_with_a_message(client, town):
    client.force_login(MunicipalOfficerFactory())
    response = client.post("/gemeenten/deelstad/koppelen/", {"job_title": ""})
    assert response.status_code == 200
    assert not OfficerLink.objects.exists()


@pytest.mark.parametrize(
    ("email", "matches"),
    [
        ("a@deelstad.nl", True),
        ("a@mail.deelstad.nl", True),
        ("a@deelstad-nl.example.org", False),
        ("a@gmail.com", False),
        ("nodomain", False),
    ],
)
def test_mail_domain_is_only_a_hint(town, email, matches):
    assert email_domain_matches(email, town) is matches


def test_linked_officer_downloads_csv_with_consented_contacts_only(client, town):
    YearFiguresFactory(enterprise=town.enterprises.get(name="Buurtbedrijf Open"))
    client.force_login(OfficerLinkFactory(municipality=town).user)
    response = client.get("/gemeenten/deelstad/gegevens.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"Buurtbedrijf Open", "Buurtbedrijf Dicht"}
    assert by_name["Buurtbedrijf Open"]["contact_email"] == "kim@open.example.org"
    assert by_name["Buurtbedrijf Open"]["total_income"] == "100000"
    assert by_name["Buurtbedrijf Dicht"]["contact_email"] == ""
    assert by_name["Buurtbedrijf Dicht"]["contact_name"] == ""


def test_xlsx_has_the_same_columns_as_the_csv(client, town):
    from municipalities.selectors import MUNICIPAL_EXPORT_COLUMNS

    client.force_login(OfficerLinkFactory(municipality=town).user)
    response = client.get(reverse("municipalities:export_xlsx", kwargs={"slug": "deelstad"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == MUNICIPAL_EXPORT_COLUMNS
    emails = {row[MUNICIPAL_EXPORT_COLUMNS.index("contact_email")] for row in rows[1:]}
    assert "kim@open.example.org" in emails and "sam@dicht.example.org" not in emails


def test_enterprise_gives_consent_on_its_profile_form(client):
    membership = MembershipFactory()
    enterprise = membership.enterprise
    client.force_login(membership.user)
    url = reverse("enterprises:edit", kwargs={"slug": enterprise.slug})
    form_html = client.get(url).content.decode()
    assert 'name="municipality_may_contact"' in form_html
    data = {
        "name": enterprise.name,
        "kind": enterprise.kind,
        "legal_form": enterprise.legal_form,
        "municipality": enterprise.municipality.pk,
        "neighbourhood": enterprise.neighbourhood,
        "founded_year": 2015,
        "themes": [],
        "municipality_may_contact": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # refused: no contact person yet
    enterprise.refresh_from_db()
    assert not enterprise.municipality_may_contact
    client.post(url, {**data, "contact_name": "Kim", "contact_email": "kim@example.org"})
    enterprise.refresh_from_db()
    assert enterprise.municipality_may_contact and enterprise.contact_email == "kim@example.org"


def test_consent_is_off_by_default(town):
    assert EnterpriseFactory().municipality_may_contact is False
