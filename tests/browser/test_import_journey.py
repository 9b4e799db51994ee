"""Staff import the association's spreadsheet: a refused file, the preview of every row, the
confirmation; then they keep an imported enterprise and invite the resident who takes it over."""

import pytest

from enterprises.models import Enterprise, ImportBatch, ImportStatus
from tests.browser.conftest import log_in, screenshot
from tests.factories import StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SPREADSHEET = (
    "Naam;KvK-nummer;Gemeente;Soort;Wijk;Thema's;Jaar;Verkoop;Verhuur;Uitgaven;FTE\r\n"
    "Buurtcafé De Eik;12345678;Den Haag;wijkonderneming;Schilderswijk;energie;2023;"
    "€ 12.500;1.234,56;14.000;2,5\r\n"
    "Buurtcafé De Eik;12345678;Den Haag;;;;2024;€ 13.000;1.300;15.000;3\r\n"
    "Dorpscoöperatie Het Veld;;Zwolle;dorpscooperatie;Berkum;groen;;;;;\r\n"
).encode("cp1252")


def test_staff_preview_confirm_and_keep_an_imported_enterprise(page, tmp_path):
    staff = StaffFactory(email="importeur@example.org")
    log_in(page, staff.email)
    page.goto("/wijkondernemingen/beoordelen/")
    page.get_by_role("link", name="Wijkondernemingen en jaarcijfers importeren").click()

    not_a_spreadsheet = tmp_path / "wijkondernemingen.csv"
    not_a_spreadsheet.write_bytes(b"%PDF-1.4 not a spreadsheet")
    page.get_by_label("Spreadsheet met wijkondernemingen", exact=True).set_input_files(
        str(not_a_spreadsheet)
    )
    page.get_by_role("button", name="Voorbeeld tonen").click()
    assert "Dit is een PDF, geen spreadsheet." in page.content()
    assert not ImportBatch.objects.exists()

    spreadsheet = tmp_path / "leden 2024.csv"
    spreadsheet.write_bytes(SPREADSHEET)
    page.get_by_label("Spreadsheet met wijkondernemingen", exact=True).set_input_files(
        str(spreadsheet)
    )
    page.get_by_role("button", name="Voorbeeld tonen").click()
    page.wait_for_url("**/importeren/*/")
    table = page.get_by_role("region", name="Wat elke rij van het bestand doet")
    assert table.get_by_role("row").count() == 4  # the header and three rows
    assert "Buurtcafé De Eik" in table.inner_text()
    screenshot(page, "import-preview")
    assert not Enterprise.objects.exists()  # nothing written yet

    page.get_by_role("button", name="Import bevestigen").click()
    assert "Geïmporteerd: 2 nieuwe wijkondernemingen" in page.content()
    assert ImportBatch.objects.get().status == ImportStatus.APPLIED

    page.get_by_role("link", name="Buurtcafé De Eik").first.click()
    page.get_by_role("link", name="Bewerken").first.click()
    assert "Beheerd door medewerkers." in page.content()
    screenshot(page, "import-kept-by-staff")
    page.get_by_role("link", name="Nodig de eigenaar uit").click()
    page.get_by_label("E-mailadres van het nieuwe lid").fill("bewoner@de-eik.example")
    page.get_by_label("Rol").select_option(label="Eigenaar")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    assert "bewoner@de-eik.example" in page.content()
