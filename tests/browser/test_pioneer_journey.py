"""A member applies for the WijkBV programme; staff score and select; they track the pioneer,
take two mengpaneel readings and look at the history; the pioneer sees only what is shared."""

import pytest
from django.core import mail

from enterprises.models import MembershipRole
from pioneers.models import Area, Element, Pioneer
from pioneers.reference_data import load
from tests.browser.conftest import log_in, log_out, screenshot
from tests.factories import (
    CohortFactory,
    EnterpriseFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_from_application_to_the_history_of_the_mengpaneel(page):
    load(Area, Element)  # the data migration's rows, in case an earlier test emptied the tables
    resident = UserFactory(email="lantaarn@example.org")
    enterprise = EnterpriseFactory(name="Buurtbedrijf De Lantaarn", slug="buurtbedrijf-de-lantaarn")
    MembershipFactory(enterprise=enterprise, user=resident, role=MembershipRole.OWNER)
    staff = StaffFactory(email="programmateam@example.org")
    CohortFactory(name="WijkBV proef 2025–2028")

    # Apply: choose the enterprise, answer, save a draft, submit
    log_in(page, resident.email)
    page.goto("/wijkbv/")
    page.get_by_role("link", name="Aanmelden", exact=True).click()
    page.get_by_label("Namens").select_option(label="Buurtbedrijf De Lantaarn")
    page.get_by_role("button", name="Aanmelding beginnen").click()
    page.get_by_label("Hoe zijn jullie van, voor en door bewoners").fill(
        "Het bestuur bestaat uit buren; iedereen uit de wijk kan lid worden."
    )
    page.get_by_role("button", name="Bewaren als concept").click()
    assert "Je concept is bewaard." in page.content()
    assert "Nog te beantwoorden voordat je indient" in page.content()
    page.get_by_label("Wat is jullie ambitie").fill("De oude bibliotheek van de wijk.")
    page.get_by_label("Soort vliegwielplan").select_option(label="Een gebouw kopen")
    page.get_by_label("Beschrijf jullie concrete plan").fill("Kopen met obligaties voor buren.")
    page.get_by_label("Waarom is het plan haalbaar").fill("De gemeente wil verkopen.")
    page.get_by_label("Welke kennis hebben jullie al").fill("Exploitatie kennen we.")
    page.get_by_label("We zijn bereid anderen in de beweging te helpen").check()
    page.get_by_label("Vastgoed").fill("Een taxatie van het gebouw.")
    page.locator("#id_contact_name").fill("Lotte van de Lantaarn")
    screenshot(page, "pioneer-application")
    page.get_by_role("button", name="Aanmelding indienen").click()
    assert "Jullie aanmelding is ingediend." in page.content()
    log_out(page)

    # Review: score side by side and select
    log_in(page, staff.email)
    page.goto("/wijkbv/beoordelen/")
    page.get_by_role("link", name="Buurtbedrijf De Lantaarn").click()
    for criterion, score in [
        ("bewoners", 5),
        ("ambitie", 4),
        ("vliegwiel", 4),
        ("haalbaar", 3),
        ("ondersteuning", 4),
        ("anderen-helpen", 5),
    ]:
        page.locator(f"input[name='score_{criterion}'][value='{score}']").check()
    page.get_by_label("Toelichting bij: Haalbaar binnen drie jaar").fill("Financiering is krap.")
    page.get_by_role("button", name="Mijn scores opslaan").click()
    assert "Financiering is krap." in page.content()
    page.get_by_label("Geselecteerd").check()
    page.get_by_label("Bericht aan de aanmelders").fill("Welkom in het programma!")
    screenshot(page, "pioneer-review")
    page.get_by_role("button", name="Besluit bevestigen").click()
    assert "Het besluit is opgeslagen" in page.content()
    assert mail.outbox and mail.outbox[-1].to == [resident.email]
    pioneer = Pioneer.objects.get(enterprise=enterprise)

    # Track: a log entry that stays internal, a milestone
    page.get_by_role("link", name="Pioniertraject").click()
    page.get_by_role("link", name="Nieuwe logboekregel").click()
    page.get_by_label("Soort").select_option(label="Notitie")
    page.get_by_label("Tekst").fill("Interne zorg: de penningmeester stopt.")
    page.get_by_label("Intern (alleen medewerkers)").check()
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("link", name="Nieuwe mijlpaal").click()
    page.get_by_label("Mijlpaal").fill("Taxatie van de bibliotheek")
    page.get_by_label("Streefdatum").fill("2027-03-01")
    page.get_by_role("button", name="Opslaan").click()
    assert "Taxatie van de bibliotheek" in page.content()

    # Two readings of the mengpaneel: the second one starts from the first and shows what moved
    page.get_by_role("link", name="Nieuwe stand").first.click()
    page.get_by_label("Eigenaarschap", exact=True).fill("30")
    page.get_by_label("Zeggenschap", exact=True).fill("45")
    page.get_by_role("button", name="Stand opslaan").click()
    assert "De stand is opgeslagen." in page.content()
    page.get_by_role("link", name="Nieuwe stand").first.click()
    assert page.get_by_label("Eigenaarschap", exact=True).input_value() == "30"
    page.get_by_label("Eigenaarschap", exact=True).fill("55")
    page.get_by_label("Impact op wonen", exact=True).fill("150")
    page.get_by_role("button", name="Toon wat verschuift").click()
    assert "Vul een heel getal van 0 tot en met 100 in." in page.content()
    page.get_by_label("Impact op wonen", exact=True).fill("40")
    page.get_by_role("button", name="Toon wat verschuift").click()
    assert page.get_by_role("heading", name="Voorbeeld: wat verschuift").is_visible()
    screenshot(page, "mengpaneel-preview")
    page.get_by_role("button", name="Stand opslaan").click()
    desk = page.get_by_role("img", name="Mengpaneel van Buurtbedrijf De Lantaarn")
    assert desk.is_visible()
    assert "+25" in page.content()
    page.locator("#mengpaneel").screenshot(
        path=str(__import__("tests.browser.conftest", fromlist=["SCREENSHOTS"]).SCREENSHOTS)
        + f"/mengpaneel-{page.viewport_size['width']}.png"
    )
    screenshot(page, "pioneer-page")

    # History and the dashboard
    page.get_by_role("link", name="Hoe de schuifjes door de tijd bewogen").click()
    assert page.get_by_role("img", name="Eigenaarschap: van 30").is_visible()
    screenshot(page, "mengpaneel-history")
    page.goto("/wijkbv/pioniers/")
    assert page.get_by_role("img", name="Mengpaneel van Buurtbedrijf De Lantaarn").is_visible()
    screenshot(page, "pioneers-dashboard")
    log_out(page)

    # The pioneer itself sees its track, but not the internal note
    log_in(page, resident.email)
    page.goto(pioneer.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Buurtbedrijf De Lantaarn"
    assert "Taxatie van de bibliotheek" in page.content()
    assert "penningmeester" not in page.content()
    assert page.goto("/wijkbv/pioniers/").status == 404
