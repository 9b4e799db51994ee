"""An officer asks to be linked to their municipality, staff approve, and the officer sees the
consented contact (not the other), downloads CSV, XLSX and the brief."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.browser.conftest import log_in, log_out, screenshot
from tests.factories import (
    EnterpriseFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    StaffFactory,
    YearFiguresFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_links_sees_consented_contact_and_downloads(page):
    town = MunicipalityFactory(name="Reisstad", slug="reisstad")
    for name, consent in (("Alfa", True), ("Bravo", False), ("Charlie", False)):
        enterprise = EnterpriseFactory(
            municipality=town,
            name=f"Buurtbedrijf {name}",
            contact_name=f"Contact {name}",
            contact_email=f"{name.lower()}@buurt.example.org",
            municipality_may_contact=consent,
        )
        YearFiguresFactory(enterprise=enterprise)  # 100 000 each over 2024
    officer = MunicipalOfficerFactory(email="ambtenaar.reis@reisstad.nl")
    staff = StaffFactory()

    page.goto("/gemeenten/")
    screenshot(page, "municipalities-index")
    log_in(page, officer.email)
    page.goto("/gemeenten/")
    page.get_by_role("link", name="Reisstad").click()
    page.get_by_role("link", name="Koppeling aanvragen").click()
    page.get_by_label("Functie").fill("Beleidsadviseur wijkeconomie")
    page.get_by_role("button", name="Aanvraag versturen").click()
    page.get_by_text("Uw aanvraag is verstuurd").wait_for()
    assert page.get_by_text("alfa@buurt.example.org").count() == 0
    log_out(page)

    log_in(page, staff.email)
    page.goto("/gemeenten/koppelingen/")
    screenshot(page, "municipalities-link-queue")
    page.get_by_role("button", name=f"Goedkeuren {officer.email} voor Reisstad").click()
    page.get_by_text("is gekoppeld aan Reisstad").wait_for()
    log_out(page)

    log_in(page, officer.email)
    page.goto("/gemeenten/reisstad/")
    page.get_by_text("alfa@buurt.example.org").wait_for()
    assert page.get_by_text("bravo@buurt.example.org").count() == 0
    assert page.get_by_text("300.000").count() >= 1
    screenshot(page, "municipality-page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "reisstad.csv"
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    assert "alfa@buurt.example.org" in text and "bravo@buurt.example.org" not in text

    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel (XLSX)").click()
    assert download.value.suggested_filename == "reisstad.xlsx"

    page.get_by_role("button", name="Download als brief").click()
    status = page.locator("#brief-job")
    status.get_by_text("De brief is klaar").wait_for()
    with page.expect_download() as download:
        status.get_by_role("link", name="Download de brief (pdf)").click()
    assert download.value.suggested_filename == "gemeente-reisstad.pdf"
    with open(download.value.path(), "rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    text = "\n".join(pdf_page.extract_text() for pdf_page in reader.pages)
    assert "Reisstad" in text and "300.000" in text
    assert "alfa@buurt.example.org" not in text  # the brief is public: no contacts


def test_a_visitor_follows_a_municipality_and_confirms_with_the_button(page):
    import re

    from django.core import mail

    from municipalities.models import Follower

    MunicipalityFactory(name="Volgstad", slug="volgstad")
    page.goto("/gemeenten/volgstad/")
    page.get_by_label("Uw e-mailadres").fill("buur@example.org")
    page.get_by_role("button", name="Volgen", exact=True).click()
    link = re.search(r"/gemeenten/volgen/bevestigen/\S+/", mail.outbox[-1].body)
    page.goto(link.group(0))  # the path: the mail's host is the configured site, not this server
    page.get_by_role("heading", name="Bevestig het maandelijkse overzicht").wait_for()
    screenshot(page, "digest-confirm")
    assert Follower.objects.get().confirmed_at is None  # opening the link confirms nothing
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_text("Bevestigd").wait_for()
    assert Follower.objects.get().confirmed_at is not None


def test_an_invitation_opened_by_another_account_says_so_and_leads_to_the_right_one(page):
    from enterprises.models import Membership
    from tests.factories import DEFAULT_PASSWORD, InvitationFactory, UserFactory

    invitation = InvitationFactory(email="buurvrouw@example.org", token="uitnodiging-anders")
    neighbour = UserFactory(email="buurvrouw@example.org")
    someone = UserFactory(email="iemand.anders@example.org")
    log_in(page, someone.email)
    page.goto(f"/wijkondernemingen/uitnodiging/{invitation.token}/")
    page.get_by_text("verstuurd naar b…@example.org").wait_for()
    assert page.get_by_role("button", name="Uitnodiging accepteren").count() == 0
    screenshot(page, "invitation-other-address")
    page.get_by_role("button", name="Uitloggen en inloggen met het juiste account").click()
    page.wait_for_url("**/accounts/login/?next=*")
    page.get_by_label("E-mailadres").fill(neighbour.email)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"**/wijkondernemingen/uitnodiging/{invitation.token}/")
    page.get_by_role("button", name="Uitnodiging accepteren").click()
    page.wait_for_url(lambda url: "/uitnodiging/" not in url)
    assert Membership.objects.filter(enterprise=invitation.enterprise, user=neighbour).exists()
    assert not Membership.objects.filter(enterprise=invitation.enterprise, user=someone).exists()
