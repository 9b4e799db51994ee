"""Spreadsheet downloads (CSV and XLSX) that no spreadsheet program runs as a formula.

Whatever residents type ends up in cells that staff and officers open in Excel or LibreOffice.
A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read there as
a formula (which can fetch URLs or run commands): in a CSV such a cell gets a leading apostrophe,
which the spreadsheet shows as text; in an XLSX it is written as a text cell. Every export of
every app goes through here. Knows no app.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell

from .uploads import harden_download

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_CELL = 32_767  # Excel's limit for the text of one cell
XLSX_BAD_TITLE = str.maketrans(dict.fromkeys("[]:*?/\\'", " "))


def _text(value) -> object:
    """Lists become ``a;b``; None becomes empty; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    return value


def csv_cell(value) -> object:
    """A CSV cell that a spreadsheet shows as the text it is, never runs."""
    value = _text(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    delimiter: str = ",",
    streaming: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download (UTF-8 with a BOM, so that spreadsheet programs read the accents)."""
    writer = csv.writer(_Echo(), delimiter=delimiter)

    def lines():
        yield "\ufeff" + writer.writerow([csv_cell(name) for name in header])
        for row in rows:
            yield writer.writerow([csv_cell(value) for value in row])

    content_type = "text/csv; charset=utf-8"
    response: HttpResponse | StreamingHttpResponse
    if streaming:
        response = StreamingHttpResponse(lines(), content_type=content_type)
    else:
        response = HttpResponse("".join(lines()), content_type=content_type)
    return harden_download(response, filename=filename)


def xlsx_value(value) -> object:
    """Text without the characters XLSX cannot hold, at most as long as a cell can be."""
    value = _text(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL]
    return value


def xlsx_cell(sheet, value) -> Cell:
    """A cell of a write-only sheet; text that looks like a formula stays text."""
    cell = WriteOnlyCell(sheet, value=xlsx_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


def xlsx_workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An XLSX file with a sheet per (title, header, rows): all text kept as text."""
    workbook = Workbook(write_only=True)
    for number, (sheet_title, header, rows) in enumerate(sheets, start=1):
        title = " ".join(sheet_title.translate(XLSX_BAD_TITLE).split())[:31] or f"Blad{number}"
        sheet = workbook.create_sheet(title)
        sheet.append([xlsx_cell(sheet, name) for name in header])
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_sheets_response(
    filename: str, sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]
) -> HttpResponse:
    """An XLSX download with a sheet per (title, header, rows)."""
    response = HttpResponse(xlsx_workbook(sheets), content_type=XLSX_CONTENT_TYPE)
    return harden_download(response, filename=filename)


def xlsx_response(
    filename: str, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """An XLSX download with one sheet: a header row, then the rows, all text kept as text."""
    return xlsx_sheets_response(filename, [(sheet_title, header, rows)])
