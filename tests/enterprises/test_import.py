"""Staff import enterprises and yearly figures from the association's spreadsheets: a preview of
every row first, nothing written until they confirm, the same file twice changes nothing, and
a hostile file gets one clear Dutch message with nothing half written."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from enterprises import imports, permissions, services
from enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    ImportBatch,
    ImportStatus,
    Membership,
    MembershipRole,
    Municipality,
    Theme,
    YearFigures,
)
from lsa_portal.models import AuditAction, AuditEntry
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
    YearFiguresFactory,
    profile_form_data,
)

pytestmark = pytest.mark.django_db

IMPORT = reverse("enterprises:import")
THIS_YEAR = timezone.localdate().year

# A spreadsheet as a Dutch office writes it: semicolons, Windows-1252 (the é of Café), amounts
# with thousands dots and decimal commas, the name people use for 's-Gravenhage.
OFFICE_CSV = (
    "Naam;KvK-nummer;Gemeente;Soort;Rechtsvorm;Opgericht;Wijk;Postcode;Website;Thema's;"
    "Jaar;Verkoop;Verhuur;Giften;Uitgaven;FTE;Vrijwilligers\r\n"
    "Buurtcafé De Eik;12345678;Den Haag;wijkonderneming;Stichting;2012;Schilderswijk;2525ab;"
    "www.de-eik.example;energie, zorg en welzijn;2023;€ 12.500;1.234,56;500;14.000;2,5;25\r\n"
    "Buurtcafé De Eik;12345678;Den Haag;;;;;;;;2024;€ 13.000;1.300;0;15.000;3;30\r\n"
    "Dorpscoöperatie Het Veld;;GM0344;dorpscooperatie;coöperatie;2019;Zuilen;;;groen;;;;;;;\r\n"
)


@pytest.fixture
def staff(client):
    user = StaffFactory()
    client.force_login(user)
    return user


def upload(client, data: bytes, name: str = "wijkondernemingen.csv"):
    return client.post(IMPORT, {"bestand": SimpleUploadedFile(name, data)})


def preview_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def refusal(response) -> str:
    """The one message a refused file gets, on the form."""
    assert response.status_code == 200
    errors = response.context["form"].errors["bestand"]
    assert len(errors) == 1
    return errors[0]


def confirm(client, batch: ImportBatch):
    return client.post(reverse("enterprises:import_confirm", args=[batch.pk]))


def table_sizes() -> dict[str, int]:
    """Every table the import writes, with its history, by number of rows."""
    return {
        "enterprises": Enterprise.objects.count(),
        "enterprise history": Enterprise.history.count(),
        "theme links": Enterprise.themes.through.objects.count(),
        "theme history": Enterprise.history.model.themes.model.objects.count(),
        "figures": YearFigures.objects.count(),
        "figures history": YearFigures.history.count(),
        "memberships": Membership.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Preview ------------------------------------------------------------------------------------


def test_the_preview_reads_a_dutch_office_csv_and_writes_nothing(client, staff):
    before = table_sizes()

    batch = preview_of(upload(client, OFFICE_CSV.encode("cp1252")))

    assert table_sizes() == before
    assert batch.status == ImportStatus.PREVIEW and batch.uploaded_by == staff
    assert (batch.row_count, batch.new_count, batch.error_count) == (3, 3, 0)
    first, second, third = batch.plan["rows"]
    assert first["row"] == 2 and first["outcome"] == "new"
    hague = Municipality.objects.get(cbs_code="GM0518")
    assert first["values"]["enterprise"] == {
        "name": "Buurtcafé De Eik",
        "kvk_number": "12345678",
        "municipality_id": hague.pk,
        "kind": "wijkonderneming",
        "legal_form": "stichting",
        "founded_year": 2012,
        "neighbourhood": "Schilderswijk",
        "postcode": "2525 AB",
        "website": "https://www.de-eik.example",
    }
    assert first["values"]["figures"] == {
        "income_sales": 12500,
        "income_rent": 1235,  # 1.234,56 rounded half up
        "income_donations": 500,
        "expenses": 14000,
        "paid_staff_fte": "2.5",
        "volunteers": 25,
    }
    assert second["target"] == first["target"]  # the same enterprise, another year
    assert third["values"]["enterprise"]["legal_form"] == "cooperatie"
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Buurtcafé De Eik" in page and "Nieuw" in page
    assert "Import bevestigen" in page


def test_confirming_writes_exactly_the_preview(client, staff):
    batch = preview_of(upload(client, OFFICE_CSV.encode("cp1252")))

    response = confirm(client, batch)

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED and batch.applied_by == staff
    eik = Enterprise.objects.get(kvk_number="12345678")
    assert eik.status == EnterpriseStatus.PUBLISHED and eik.published_at
    assert eik.municipality.cbs_code == "GM0518"
    assert (eik.postcode, eik.website) == ("2525 AB", "https://www.de-eik.example")
    assert set(eik.themes.values_list("slug", flat=True)) == {"energie", "zorg-en-welzijn"}
    assert not eik.memberships.exists()  # kept by staff
    assert permissions.kept_by_staff(eik)
    first, second = eik.year_figures.order_by("year")
    assert (first.year, first.income_sales, first.income_rent) == (2023, 12500, 1235)
    assert first.paid_staff_fte == Decimal("2.5") and first.income_contributions == 0
    assert (second.year, second.income_rent, second.paid_staff_fte) == (2024, 1300, 3)
    veld = Enterprise.objects.get(name="Dorpscoöperatie Het Veld")
    assert not veld.year_figures.exists()
    # Each write has its history record, made by the staff member, with the themes of the time.
    record = eik.history.get()
    assert (record.history_type, record.history_user) == ("+", staff)
    assert set(record.themes.values_list("theme__slug", flat=True)) == {
        "energie",
        "zorg-en-welzijn",
    }
    assert {row.history_user for row in YearFigures.history.all()} == {staff}
    # The plan's rows link to what was created.
    page = client.get(batch.get_absolute_url()).content.decode()
    assert eik.get_absolute_url() in page


def test_figures_are_flagged_as_the_form_flags_them(client, staff):
    csv_text = (
        "naam;gemeente;soort;wijk;jaar;verkoop;uitgaven\n"
        "Het Buurtbedrijf;Utrecht;bewonersbedrijf;Zuilen;2022;2.000;2.000\n"
        "Het Buurtbedrijf;Utrecht;bewonersbedrijf;Zuilen;2023;40.000;0\n"
    )
    confirm(client, preview_of(upload(client, csv_text.encode())))

    figures = YearFigures.objects.get(enterprise__name="Het Buurtbedrijf", year=2023)
    assert figures.flags == ["stream:income_sales", "no-expenses"]


def test_every_import_is_in_the_audit_log_without_names(client, staff):
    batch = preview_of(upload(client, OFFICE_CSV.encode("cp1252")))
    confirm(client, batch)

    entry = AuditEntry.objects.get(action=AuditAction.DATA_IMPORTED)
    assert entry.actor == staff and entry.target_id == str(batch.pk)
    assert entry.details == {
        "rows": 3,
        "unchanged": 0,
        "skipped": 0,
        "enterprises_created": 2,
        "enterprises_updated": 0,
        "figures_created": 2,
        "figures_updated": 0,
    }
    assert "Eik" not in entry.target_label + str(entry.details)


def test_the_same_file_again_changes_nothing(client, staff):
    confirm(client, preview_of(upload(client, OFFICE_CSV.encode("cp1252"))))
    before = table_sizes()

    again = preview_of(upload(client, OFFICE_CSV.encode("cp1252")))

    assert [row["outcome"] for row in again.plan["rows"]] == ["unchanged"] * 3
    assert again.plan["actions"] == {
        "create": [],
        "update": [],
        "figures_create": [],
        "figures_update": [],
    }
    confirm(client, again)
    after = table_sizes()
    assert after == {**before, "audit": before["audit"] + 1}  # only the import's own entry


def test_an_xlsx_workbook_is_read_with_its_numbers(client, staff):
    data = xlsx(
        [
            ["Naam", "Gemeente", "Soort", "Wijk", "KvK-nummer", "Jaar", "Verkoop", "FTE"],
            [
                "Energie Samen",
                "Zwolle",
                "energiecooperatie",
                "Assendorp",
                87654321,
                2024,
                1234.5,
                2.25,
            ],
        ]
    )
    batch = preview_of(upload(client, data, "leden.xlsx"))

    row = batch.plan["rows"][0]
    assert row["outcome"] == "new", row["errors"]
    assert row["values"]["enterprise"]["kvk_number"] == "87654321"
    assert row["values"]["figures"] == {"income_sales": 1235, "paid_staff_fte": "2.3"}


# --- Matching -----------------------------------------------------------------------------------


def test_a_row_matches_by_kvk_number_first_then_by_name_and_municipality(client, staff):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    by_number = EnterpriseFactory(name="Oude Naam", kvk_number="11112222", municipality=utrecht)
    Enterprise.objects.filter(pk=by_number.pk).update(created_at=timezone.now() - timedelta(days=9))
    by_number.refresh_from_db()
    by_name = EnterpriseFactory(name="Buurthuis De Linde", municipality=utrecht)
    csv_text = (
        "naam;kvk_nummer;gemeente;wijk;soort\n"
        "Nieuwe Naam;11112222;Utrecht;;\n"
        "buurthuis de linde;;utrecht;Lunetten;\n"
        "Buurthuis De Linde;;Zwolle;Centrum;buurthuis\n"
    )
    batch = preview_of(upload(client, csv_text.encode()))

    rows = batch.plan["rows"]
    assert rows[0]["target"] == {"enterprise": by_number.pk}
    assert rows[0]["changes"] == [{"column": "naam", "before": "Oude Naam", "after": "Nieuwe Naam"}]
    assert rows[1]["target"] == {"enterprise": by_name.pk}
    assert {change["column"] for change in rows[1]["changes"]} == {"naam", "wijk"}
    assert rows[2]["outcome"] == "new"  # the same name elsewhere is another enterprise

    confirm(client, batch)
    by_number.refresh_from_db()
    by_name.refresh_from_db()
    assert by_number.name == "Nieuwe Naam"
    assert (by_name.name, by_name.neighbourhood) == ("buurthuis de linde", "Lunetten")
    record = by_number.history.order_by("-history_id").first()
    assert (record.history_type, record.history_user) == ("~", staff)
    assert record.name == "Nieuwe Naam"
    assert record.created_at == by_number.created_at < timezone.now() - timedelta(seconds=1)
    assert list(record.themes.values_list("theme__slug", flat=True)) == ["energie"]


def test_an_enterprise_residents_keep_is_skipped(client, staff):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    theirs = EnterpriseFactory(name="Van De Bewoners", kvk_number="33334444", municipality=utrecht)
    MembershipFactory(enterprise=theirs, role=MembershipRole.OWNER)
    csv_text = "naam;kvk_nummer;gemeente;wijk\nVan De Bewoners;33334444;Utrecht;Elders\n"

    batch = preview_of(upload(client, csv_text.encode()))
    row = batch.plan["rows"][0]
    assert row["outcome"] == "skipped" and "bewoners" in row["reason"].lower()
    confirm(client, batch)

    theirs.refresh_from_db()
    assert theirs.neighbourhood == "Proefwijk"


# --- Hostile files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "column"),
    [('=HYPERLINK("http://x.example")', "naam"), ("+31 6 1234", "wijk"), ("@SUM(1)", "wijk")],
)
def test_a_formula_in_a_csv_is_refused_per_cell_and_nothing_is_written(client, staff, cell, column):
    values = {"naam": "Formulebedrijf", "wijk": "Noord"} | {column: cell}
    csv_text = f"naam;gemeente;soort;wijk\n{values['naam']};Utrecht;anders;{values['wijk']}\n"
    before = table_sizes()

    batch = preview_of(upload(client, csv_text.encode()))

    row = batch.plan["rows"][0]
    assert row["outcome"] == "error"
    assert row["errors"][column].startswith(f"{column}: ")
    assert "formule" in row["errors"][column]
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Import bevestigen" not in page and "Rijen met een fout: 2" in page
    response = confirm(client, batch)
    assert response.status_code == 302
    assert table_sizes() == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


def test_a_dash_is_an_empty_cell(client, staff):
    csv_text = (
        "naam;gemeente;soort;wijk;kvk_nummer;jaar;verkoop;fte\n"
        "Streep;Utrecht;anders;Noord;-;2023;–;-\n"
    )
    batch = preview_of(upload(client, csv_text.encode()))
    row = batch.plan["rows"][0]
    assert row["outcome"] == "new" and row["values"]["figures"] == {}


def test_a_negative_amount_is_just_an_invalid_amount(client, staff):
    csv_text = "naam;gemeente;soort;wijk;jaar;verkoop\nMin;Utrecht;anders;Noord;2023;-500\n"
    batch = preview_of(upload(client, csv_text.encode()))
    message = batch.plan["rows"][0]["errors"]["verkoop"]
    assert "formule" not in message and "bedrag" in message


def test_an_xlsx_formula_is_never_calculated(client, staff):
    data = xlsx(
        [
            ["naam", "gemeente", "soort", "wijk", "jaar", "verkoop"],
            ["Rekenbedrijf", "Utrecht", "anders", "Noord", 2023, "=SUM(1,2)"],
        ]
    )
    batch = preview_of(upload(client, data, "rekenen.xlsx"))
    message = batch.plan["rows"][0]["errors"]["verkoop"]
    assert "=SUM(1,2)" in message and "formule" in message


def test_a_file_that_mixes_encodings_is_refused(client, staff):
    data = "naam;gemeente\nCafé;Utrecht\n".encode() + "Crème;Utrecht\n".encode("cp1252")
    assert "tekencoderingen" in refusal(upload(client, data))
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (bytes(range(256)) * 40, "geen CSV-bestand"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "geen CSV-bestand"),
        (b"PK\x03\x04 kapotte zip", "beschadigd"),
        (b"<html><script>alert(1)</script></html>", "geen CSV-bestand"),
        ("naam;gemeente\n".encode("utf-16-le"), "geen CSV-bestand"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused_with_a_clear_message(client, staff, data, words):
    assert words in refusal(upload(client, data))
    assert not ImportBatch.objects.exists()


def test_utf8_with_and_without_bom_and_utf16_with_bom_are_read(client, staff):
    text = "naam,gemeente,soort,wijk\nCafé Zoë,Utrecht,anders,Noord\n"
    for data in (text.encode(), b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        batch = preview_of(upload(client, data))
        assert batch.plan["rows"][0]["values"]["enterprise"]["name"] == "Café Zoë"


def test_a_ten_megabyte_file_is_refused_before_it_is_read(client, staff):
    message = refusal(upload(client, b"naam;gemeente\n" + b"x" * (10 * 1024 * 1024)))
    assert "te groot" in message and "5 MB" in message
    assert not ImportBatch.objects.exists()

    class Unreadable(io.BytesIO):
        size = 10 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read before its size was checked")

    with pytest.raises(ValidationError):
        imports.read_upload(Unreadable())


def test_a_workbook_with_a_hundred_thousand_empty_rows_is_read_quickly(client, staff):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Blad1")
    sheet.append(["naam", "gemeente", "soort", "wijk"])
    sheet.append(["Leeg Maar Snel", "Utrecht", "anders", "Noord"])
    for _ in range(100_000):
        sheet.append([])
    sheet.append(["Onder De Streep", "Utrecht", "anders", "Noord"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    started = time.perf_counter()
    batch = preview_of(upload(client, buffer.getvalue(), "leeg.xlsx"))

    assert time.perf_counter() - started < 10
    assert [row["row"] for row in batch.plan["rows"]] == [2]
    assert batch.plan["stopped_at"] == 2
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "lange reeks lege rijen" in page


def test_a_workbook_of_only_empty_rows_says_there_are_no_rows(client, staff):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Blad1")
    sheet.append(["naam", "gemeente"])
    for _ in range(100_000):
        sheet.append([])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "geen rijen" in refusal(upload(client, buffer.getvalue(), "leeg.xlsx"))


def test_a_zip_bomb_is_refused_unopened(client, staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"\x00" * (imports.MAX_XLSX_UNPACKED_BYTES + 1)
        )
    assert len(buffer.getvalue()) < 1024 * 1024
    assert "uitgepakt" in refusal(upload(client, buffer.getvalue(), "bom.xlsx"))


def test_too_many_rows_are_refused(client, staff):
    rows = "".join(f"Bedrijf {n};Utrecht\n" for n in range(imports.MAX_DATA_ROWS + 1))
    message = refusal(upload(client, ("naam;gemeente\n" + rows).encode()))
    assert "10.000" in message
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("naam;naam;gemeente", "twee keer"),
        ("naam;plaats", "gemeente"),
        ("naam;gemeente;verkoop", "jaar"),
    ],
)
def test_a_header_that_cannot_work_is_refused(client, staff, header, words):
    assert words in refusal(upload(client, f"{header}\nx;y;z\n".encode()))


def test_hidden_characters_in_a_name_are_refused_per_cell(client, staff):
    csv_text = "naam;gemeente;soort;wijk\nBuurt\u202ebedrijf;Utrecht;anders;Noord\n"
    batch = preview_of(upload(client, csv_text.encode()))
    assert "onzichtbare" in batch.plan["rows"][0]["errors"]["naam"]


def test_a_nul_character_in_a_cell_is_refused_per_cell_not_stored(client, staff):
    """A UTF-16 file can carry NUL, which PostgreSQL's JSON cannot hold (as can an ignored
    column's name)."""
    csv_text = "naam;gemeente;soort;wijk;op\x00merking\nNul\x00Bedrijf;Utrecht;anders;Noord;x\n"
    batch = preview_of(upload(client, csv_text.encode("utf-16")))
    row = batch.plan["rows"][0]
    assert "onzichtbare" in row["errors"]["naam"]
    assert "\x00" not in str(batch.plan)


def test_a_failure_while_applying_leaves_nothing_half_written(client, staff, monkeypatch):
    batch = preview_of(upload(client, OFFICE_CSV.encode("cp1252")))
    before = table_sizes()

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away halfway")

    # The enterprises are written by then; the figures fail.
    monkeypatch.setattr(services, "_write_year_figures", fail)
    with pytest.raises(RuntimeError):
        services.apply_import(batch, by=staff)

    assert table_sizes() == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


# --- Confirming ---------------------------------------------------------------------------------


def test_a_batch_is_applied_once(client, staff):
    batch = preview_of(upload(client, OFFICE_CSV.encode("cp1252")))
    confirm(client, batch)
    sizes = table_sizes()

    response = confirm(client, batch)

    assert response.status_code == 302
    assert table_sizes() == sizes
    with pytest.raises(ValidationError):
        services.apply_import(batch, by=staff)


def test_a_preview_that_the_portal_overtook_is_not_applied(client, staff):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    enterprise = EnterpriseFactory(name="Wisselbedrijf", municipality=utrecht)
    batch = preview_of(upload(client, b"naam;gemeente;wijk\nWisselbedrijf;Utrecht;Noord\n"))
    enterprise.neighbourhood = "Zuid"  # someone changed it meanwhile
    enterprise.save()
    sizes = table_sizes()

    response = client.post(reverse("enterprises:import_confirm", args=[batch.pk]), follow=True)

    assert "veranderd" in response.content.decode()
    assert table_sizes() == sizes
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW
    assert batch.plan["rows"][0]["changes"] == [
        {"column": "wijk", "before": "Zuid", "after": "Noord"}
    ]
    enterprise.refresh_from_db()
    assert enterprise.neighbourhood == "Zuid"
    confirm(client, batch)  # the new preview, confirmed
    enterprise.refresh_from_db()
    assert enterprise.neighbourhood == "Noord"


def test_a_stored_plan_with_its_cells_in_another_order_still_applies(client, staff):
    """PostgreSQL keeps a plan's keys in an order of its own: the plan made again on
    confirmation must still compare equal."""
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    enterprise = EnterpriseFactory(name="Volgordebedrijf", municipality=utrecht, founded_year=2010)
    YearFiguresFactory(enterprise=enterprise, year=2023)
    csv_text = (
        "naam;gemeente;wijk;opgericht;postcode;themas;jaar;verkoop;verhuur;fte;vrijwilligers\n"
        "Volgordebedrijf;Utrecht;Noord;2011;3511 AB;groen;2023;9.999;8.888;4,5;77\n"
    )
    batch = preview_of(upload(client, csv_text.encode()))
    assert len(batch.plan["rows"][0]["changes"]) == 8
    for row in batch.plan["rows"]:
        row["cells"] = dict(reversed(list(row["cells"].items())))
    batch.save()

    services.apply_import(batch, by=staff)

    enterprise.refresh_from_db()
    assert (enterprise.neighbourhood, enterprise.founded_year) == ("Noord", 2011)
    figures = enterprise.year_figures.get()
    assert (figures.income_sales, figures.volunteers) == (9999, 77)


def test_a_discarded_preview_keeps_no_rows(client, staff):
    batch = preview_of(upload(client, OFFICE_CSV.encode("cp1252")))
    sizes = table_sizes()

    client.post(reverse("enterprises:import_discard", args=[batch.pk]))

    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED and "rows" not in batch.plan
    # Nothing of the sheet is written; who threw it away is on record.
    assert table_sizes() == sizes | {"audit": sizes["audit"] + 1}
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.actor, entry.target_id) == (
        AuditAction.IMPORT_DISCARDED,
        staff,
        str(batch.pk),
    )
    sizes = table_sizes()
    assert confirm(client, batch).status_code == 302
    assert table_sizes() == sizes


def test_previews_nobody_confirmed_go_after_seven_days(client, staff):
    stale = preview_of(upload(client, OFFICE_CSV.encode("cp1252")))
    applied = preview_of(upload(client, b"naam;gemeente;soort;wijk\nBlijft;Utrecht;anders;X\n"))
    confirm(client, applied)
    ImportBatch.objects.update(created_at=timezone.now() - timedelta(days=8))

    assert services.delete_stale_imports() == 1
    assert not ImportBatch.objects.filter(pk=stale.pk).exists()
    assert ImportBatch.objects.filter(pk=applied.pk).exists()


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "takes_batch"),
    [
        ("import", False),
        ("import_template_xlsx", False),
        ("import_template_csv", False),
        ("import_preview", True),
        ("import_confirm", True),
        ("import_discard", True),
    ],
)
def test_only_staff_import(client, name, takes_batch):
    batch = ImportBatch.objects.create(file_name="x.csv", uploaded_by=StaffFactory())
    url = reverse(f"enterprises:{name}", args=[batch.pk] if takes_batch else [])
    response = client.post(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(UserFactory())
    assert client.post(url).status_code in (404, 405)
    assert client.get(url).status_code in (404, 405)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


def test_the_templates_have_every_column(client, staff):
    response = client.get(reverse("enterprises:import_template_csv"))
    header = response.content.decode("utf-8-sig").strip()
    assert header.split(";") == imports.template_header()
    response = client.get(reverse("enterprises:import_template_xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    first, explanation = workbook.worksheets
    assert [cell.value for cell in first[1]] == imports.template_header()
    assert explanation.max_row == len(imports.COLUMNS) + 1


def test_the_template_filled_in_imports(client, staff):
    response = client.get(reverse("enterprises:import_template_xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    example = {column.key: column.example for column in imports.COLUMNS}
    sheet.append([example[key] for key in imports.template_header()])
    buffer = io.BytesIO()
    workbook.save(buffer)

    batch = preview_of(upload(client, buffer.getvalue(), "sjabloon-wijkondernemingen.xlsx"))

    row = batch.plan["rows"][0]
    assert row["outcome"] == "new", row["errors"]
    assert row["values"]["figures"]["income_donations"] == 1235


def test_staff_keep_an_imported_enterprise_until_a_resident_takes_it_over(client, staff):
    confirm(client, preview_of(upload(client, OFFICE_CSV.encode("cp1252"))))
    eik = Enterprise.objects.get(kvk_number="12345678")
    edit = reverse("enterprises:edit", args=[eik.slug])

    page = client.get(edit)
    assert page.status_code == 200 and "Beheerd door medewerkers" in page.content.decode()
    assert client.post(edit, profile_form_data(eik, neighbourhood="Transvaal")).status_code == 302
    eik.refresh_from_db()
    assert eik.neighbourhood == "Transvaal"
    assert client.get(reverse("enterprises:figures", args=[eik.slug])).status_code == 200
    response = client.post(
        reverse("enterprises:members", args=[eik.slug]),
        {"email": "nieuwe-eigenaar@example.org", "role": MembershipRole.OWNER},
    )
    assert response.status_code == 302
    invitation = eik.invitations.get()

    resident = UserFactory(email="nieuwe-eigenaar@example.org")
    services.accept_invitation(invitation, by=resident)

    assert client.get(edit).status_code == 404
    assert client.get(reverse("enterprises:members", args=[eik.slug])).status_code == 404
    eik = Enterprise.objects.get(pk=eik.pk)
    assert not permissions.can_manage_members(staff, eik)
    assert permissions.can_edit(resident, eik)


def test_staff_do_not_edit_enterprises_that_residents_keep(staff):
    enterprise = EnterpriseFactory()
    MembershipFactory(enterprise=enterprise, role=MembershipRole.EDITOR)
    assert permissions.can_edit(staff, enterprise)  # editors only: no owner yet
    owned = EnterpriseFactory()
    MembershipFactory(enterprise=owned, role=MembershipRole.OWNER)
    assert not permissions.can_edit(staff, owned)
    assert not permissions.can_manage_members(staff, owned)
    archived = EnterpriseFactory(status=EnterpriseStatus.ARCHIVED)
    assert not permissions.can_edit(staff, archived)
    assert not permissions.can_edit(UserFactory(), EnterpriseFactory())


# --- Reading cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "euros"),
    [
        ("12500", 12500),
        ("12.500", 12500),
        ("€ 12.500", 12500),
        ("€12.500,-", 12500),
        ("1.234,56", 1235),
        ("1234,5", 1235),
        ("0,49", 0),
        ("0,5", 1),
        ("1.234.567", 1234567),
        ("12.5", 13),
        ("1,234,567", 1234567),
        ("EUR 100", 100),
        (1234.5, 1235),
        (800, 800),
    ],
)
def test_amounts_are_read_as_dutch_offices_write_them(typed, euros):
    assert imports.read_euros("verkoop", typed) == euros


@pytest.mark.parametrize("typed", ["-5", "twaalf", "1,500", "1.2.3", "=1+1", "(5)", "3e9"])
def test_what_is_not_an_amount_gets_a_message_naming_the_column(typed):
    with pytest.raises(imports.CellError) as error:
        imports.read_euros("verkoop", typed)
    assert error.value.message.startswith("verkoop: ")


def test_the_founding_year_is_not_in_the_future():
    with pytest.raises(imports.CellError):
        imports.read_year("opgericht", str(THIS_YEAR + 1), timezone.localdate())
    assert imports.read_year("opgericht", 2015.0, timezone.localdate()) == 2015


def test_a_municipality_is_found_by_any_name_people_use():
    snapshot = imports.load_reference()
    hague = Municipality.objects.get(cbs_code="GM0518").pk
    for typed in (
        "Den Haag",
        "'s-Gravenhage",
        "s gravenhage",
        "GM0518",
        "gm0518",
        "Gemeente Den Haag",
    ):
        assert imports.read_municipality("gemeente", typed, snapshot) == hague
    with pytest.raises(imports.CellError):
        imports.read_municipality("gemeente", "Atlantis", snapshot)


def test_themes_are_read_by_slug_or_name():
    snapshot = imports.load_reference()
    energy = Theme.objects.get(slug="energie").pk
    care = Theme.objects.get(slug="zorg-en-welzijn").pk
    assert imports.read_themes("themas", "Energie; zorg en welzijn", snapshot) == sorted(
        [energy, care]
    )
