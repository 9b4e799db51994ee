"""The import of existing enterprises and their yearly figures from the association's own
spreadsheets (CSV or Excel .xlsx). Nothing here writes: ``services.preview_import`` stores the
plan this module makes, ``services.apply_import`` applies it.

Three steps, each testable on its own:

- ``read_upload(file)`` reads the file into a ``Sheet``: the columns it recognises and every
  row's cells as they were typed. A file it cannot read safely is refused as a whole with one
  clear message (``ImportFileError``): too large, not a spreadsheet, an unknown or mixed
  character encoding, a zip bomb, too many rows, no column ``naam``...
- ``parse_row`` reads each cell as people type it in a Dutch office ("€ 12.500", "1.234,56",
  "2,5", 'Den Haag' for 's-Gravenhage) into the value the portal stores, or a Dutch message
  that names the column and says what to type. A formula is refused, never calculated.
- ``make_plan`` matches each row with an enterprise (KvK number first, then the name in the
  same municipality) and says what it would do: new, changed (which fields, before and after),
  unchanged, skipped (the enterprise is its residents' now, or archived), or an error. The plan
  is plain JSON, stored with the batch; confirming plans again against the database and applies
  only when nothing changed since the preview.

Only ``load_snapshot`` reads the database (a fixed number of queries, whatever the rows);
the rest works on plain data.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lsa_portal.uploads import MB
from lsa_portal.validators import no_hidden_characters

from .models import (
    FIRST_YEAR,
    MAX_EUROS,
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    LegalForm,
    Membership,
    MembershipRole,
    Municipality,
    Theme,
    YearFigures,
)
from .names import fold
from .validators import kvk_number_validator, normalize_postcode, postcode_problem

# --- Limits -----------------------------------------------------------------------------------

MAX_FILE_BYTES = 5 * MB  # refused before a byte is read
MAX_DATA_ROWS = 10_000
MAX_COLUMNS = 60  # cells right of this are not read
# A sheet whose formatting runs down to row 1,048,576 holds nothing there: reading stops after
# this many empty rows in a row (and the preview says where).
EMPTY_RUN_LIMIT = 1_000
MAX_XLSX_UNPACKED_BYTES = 60 * MB  # what the parts of an .xlsx may unpack to together
MAX_XLSX_PARTS = 1_000
MAX_CELL_CHARS = 1_000  # a longer cell is kept this long (every column allows far less)
PLAN_VERSION = 1

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPT = f".csv,.xlsx,text/csv,{XLSX_CONTENT_TYPE}"


class ImportFileError(ValidationError):
    """The file as a whole cannot be imported; the message says why and what to do."""


# --- Columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the template: its header, the model field it fills and how to read it."""

    key: str  # the header as in the template
    field: str
    kind: str
    help: Promise
    example: str
    figures: bool = False  # a column of the yearly figures (needs jaar)


ENTERPRISE_COLUMNS = (
    Column(
        "naam",
        "name",
        "text",
        gettext_lazy("The name of the enterprise. Required in every row."),
        "Buurtbedrijf De Linde",
    ),
    Column(
        "kvk_nummer",
        "kvk_number",
        "kvk",
        gettext_lazy("The 8 digits of the Chamber of Commerce registration, if there is one."),
        "12345678",
    ),
    Column(
        "gemeente",
        "municipality",
        "municipality",
        gettext_lazy(
            "Required in every row: the official name ('s-Gravenhage), a name people use "
            "(Den Haag) or the CBS code (GM0518)."
        ),
        "Den Haag",
    ),
    Column(
        "soort",
        "kind",
        "kind",
        gettext_lazy("Required for a new enterprise. One of: %(choices)s."),
        "wijkonderneming",
    ),
    Column(
        "rechtsvorm",
        "legal_form",
        "legal_form",
        gettext_lazy("One of: %(choices)s."),
        "stichting",
    ),
    Column("opgericht", "founded_year", "year", gettext_lazy("The year it was founded."), "2015"),
    Column(
        "wijk",
        "neighbourhood",
        "text",
        gettext_lazy("Required for a new enterprise: the neighbourhood, block or village."),
        "Schilderswijk",
    ),
    Column("postcode", "postcode", "postcode", gettext_lazy("A Dutch postcode."), "2525 AB"),
    Column(
        "website", "website", "url", gettext_lazy("The address of its website."), "www.delinde.nl"
    ),
    Column(
        "themas",
        "themes",
        "themes",
        gettext_lazy("Themes separated by commas or semicolons: %(choices)s."),
        "energie, zorg en welzijn",
    ),
)
_EURO_HELP = gettext_lazy("Euros over the year: 12500, 12.500, € 12.500 or 1.234,56.")
FIGURE_COLUMNS = (
    Column(
        "jaar",
        "year",
        "year",
        gettext_lazy(
            "The year the figures are about. A row without a year imports only the enterprise; "
            "several rows may give several years of the same enterprise."
        ),
        "2024",
        figures=True,
    ),
    Column("verkoop", "income_sales", "euros", _EURO_HELP, "18.000", figures=True),
    Column("verhuur", "income_rent", "euros", _EURO_HELP, "€ 12.500", figures=True),
    Column("bijdragen", "income_contributions", "euros", _EURO_HELP, "2.400", figures=True),
    Column(
        "opdrachten_overheid", "income_public_contracts", "euros", _EURO_HELP, "0", figures=True
    ),
    Column("subsidies", "income_subsidies", "euros", _EURO_HELP, "7.500", figures=True),
    Column("fondsen", "income_funds", "euros", _EURO_HELP, "5.000", figures=True),
    Column("giften", "income_donations", "euros", _EURO_HELP, "1.234,56", figures=True),
    Column("leningen", "income_loans", "euros", _EURO_HELP, "0", figures=True),
    Column("uitgaven", "expenses", "euros", _EURO_HELP, "44.000", figures=True),
    Column(
        "fte",
        "paid_staff_fte",
        "fte",
        gettext_lazy("Paid jobs in FTE, for example 2,5."),
        "2,5",
        figures=True,
    ),
    Column(
        "vrijwilligers",
        "volunteers",
        "count",
        gettext_lazy("Volunteers: a whole number."),
        "25",
        figures=True,
    ),
    Column(
        "mensen_uit_uitkering",
        "people_from_benefits",
        "count",
        gettext_lazy("People from benefits or far from the labour market at work: a number."),
        "3",
        figures=True,
    ),
    Column(
        "bewoners_bereikt",
        "residents_reached",
        "count",
        gettext_lazy("Residents reached: a whole number."),
        "400",
        figures=True,
    ),
)
COLUMNS = ENTERPRISE_COLUMNS + FIGURE_COLUMNS
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_COLUMNS = ("naam", "gemeente")
# Headers people write for the same column.
ALIASES = {
    "kvk": "kvk_nummer",
    "kvknummer": "kvk_nummer",
    "kvk_nr": "kvk_nummer",
    "thema": "themas",
    "themes": "themas",
    "opgericht_in": "opgericht",
    "oprichtingsjaar": "opgericht",
    "buurt": "wijk",
    "dorp": "wijk",
    "wijk_of_dorp": "wijk",
    "vorm": "rechtsvorm",
}
MONEY_FIELDS = tuple(column.field for column in FIGURE_COLUMNS if column.kind == "euros")
FIGURE_FIELDS = tuple(column.field for column in FIGURE_COLUMNS if column.key != "jaar")


def column_help(column: Column) -> str:
    """What to type in a column, with the choices where it has them."""
    text = str(column.help)
    if "%(choices)s" in text:
        text = text % {"choices": ", ".join(choice_examples(column.kind))}
    return text


def choice_examples(kind: str) -> list[str]:
    if kind == "kind":
        return [value for value, _label in EnterpriseKind.choices]
    if kind == "legal_form":
        return [value for value, _label in LegalForm.choices]
    if kind == "themes":
        return list(Theme.objects.order_by("position", "name").values_list("slug", flat=True))
    return []


def header_key(text: Any) -> str:
    """'KvK-nummer' -> 'kvk_nummer', "Thema's" -> 'themas', 'Opdrachten overheid' ->
    'opdrachten_overheid'."""
    key = fold(str(text or "")).replace(" ", "_")
    return ALIASES.get(key, key)


# --- Reading the file -------------------------------------------------------------------------


@dataclass
class Sheet:
    """What a file holds, before any cell is judged: the columns recognised (in file order),
    the headers that were not, and each row with its number as the spreadsheet shows it."""

    columns: list[str]
    ignored: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # {"row": 2, "cells": {"naam": "..."}}
    stopped_at: int | None = None  # reading stopped after a long run of empty rows below this


def _refuse(message: str, code: str) -> ImportFileError:
    return ImportFileError(message, code=code)


def _not_a_spreadsheet() -> ImportFileError:
    return _refuse(
        _(
            "This is not a CSV file or an Excel workbook (.xlsx) that can be read. Save the "
            "spreadsheet as Excel workbook (.xlsx) or as CSV (UTF-8) and upload that file."
        ),
        "not_a_spreadsheet",
    )


def read_upload(upload) -> Sheet:
    """Read an uploaded CSV or XLSX file into a ``Sheet``, or refuse it with one message.

    The size is checked before a byte is read; the kind of file is judged by its content,
    never by its name."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise _refuse(
            _(
                "The file is too large: at most %(max)s MB, and this one is %(size)s MB. "
                "Split it into smaller files, or delete empty rows and other sheets."
            )
            % {"max": MAX_FILE_BYTES // MB, "size": f"{size / MB:.1f}".replace(".", ",")},
            "too_large",
        )
    try:
        upload.seek(0)
        data = upload.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as error:
        raise _refuse(_("The file could not be read. Upload it again."), "unreadable") from error
    if len(data) > MAX_FILE_BYTES:  # a size that was not told, or told wrong
        raise _refuse(
            _("The file is too large: at most %(max)s MB.") % {"max": MAX_FILE_BYTES // MB},
            "too_large",
        )
    if not data.strip():
        raise _refuse(_("The file is empty."), "empty")
    return read_bytes(data)


def read_bytes(data: bytes) -> Sheet:
    """The sheet in ``data`` (CSV or XLSX, told apart by their content)."""
    if data.startswith(b"PK\x03\x04"):
        return _collect(_xlsx_rows(data))
    if data.startswith(b"%PDF"):
        raise _refuse(
            _(
                "This is a PDF, not a spreadsheet. Upload the spreadsheet itself, as Excel "
                "workbook (.xlsx) or as CSV."
            ),
            "pdf",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            _(
                "This is an old Excel file (.xls) or a workbook with a password. Save it "
                "without a password as Excel workbook (.xlsx) or as CSV and upload that."
            ),
            "old_excel",
        )
    return _collect(_csv_rows(_decode(data)))


# -- CSV --

_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\x7fELF", b"\x1f\x8b", b"Rar!")


def _decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode
    text"), else Windows-1252 (Excel's "CSV" on a Dutch Windows). A file that mixes two
    encodings, or is not text at all, is refused: guessing would import wrong letters."""
    if data.startswith(_SIGNATURES):
        raise _not_a_spreadsheet()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise _encoding_unknown() from error
    elif b"\x00" in data:
        raise _not_a_spreadsheet()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if _UTF8_SEQUENCE.search(data):
                raise _refuse(
                    _(
                        "The file mixes two character encodings (UTF-8 and Windows-1252), so "
                        "letters such as ë and é cannot be read with certainty. Open it in the "
                        "spreadsheet program and save it again as 'CSV UTF-8'."
                    ),
                    "mixed_encoding",
                ) from None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as error:
                raise _encoding_unknown() from error
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("<"):
        raise _not_a_spreadsheet()  # HTML, XML or SVG, whatever its name
    controls = len(_CONTROL.findall(text))
    if controls > 10 and controls * 100 > len(text):
        raise _not_a_spreadsheet()
    return text


def _encoding_unknown() -> ImportFileError:
    return _refuse(
        _(
            "The characters in this file cannot be read: its encoding is not UTF-8 or "
            "Windows-1252. Save it in the spreadsheet program as 'CSV UTF-8' and upload it again."
        ),
        "unknown_encoding",
    )


def _delimiter(text: str) -> tuple[str, str]:
    """The delimiter (semicolon, comma or tab) and the text without Excel's 'sep=' line."""
    first_line, _newline, rest = text.partition("\n")
    hint = first_line.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5:
        return hint[4], rest
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return (best if counts[best] else ","), text


def _csv_rows(text: str) -> Iterator[tuple[int, list]]:
    delimiter, text = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 - reported on error
            yield number, cells
    except csv.Error as error:
        raise _refuse(
            _(
                "The file cannot be read as CSV from row %(row)s on: a quotation mark that "
                "is not closed, or a cell that is far too long. Check that row."
            )
            % {"row": number + 1},
            "bad_csv",
        ) from error


# -- XLSX --


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """The rows of the first sheet, cell values as they are stored (formulas as formulas).

    Before openpyxl opens anything, the parts are counted and their unpacked sizes added up:
    a zip bomb (a small file that unpacks to gigabytes) is refused unread, and Python's zip
    reader never unpacks a part beyond the size it declares."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _refuse(
            _(
                "This file looks like an Excel workbook but cannot be opened: it may be "
                "damaged. Open it in the spreadsheet program, save it again and upload that."
            ),
            "damaged_xlsx",
        ) from error
    names = {part.filename for part in parts}
    if "mimetype" in names and "xl/workbook.xml" not in names:
        raise _refuse(
            _(
                "This is an OpenDocument spreadsheet (.ods) or another zipped file. Save it "
                "as Excel workbook (.xlsx) or as CSV and upload that."
            ),
            "not_xlsx",
        )
    if "xl/workbook.xml" not in names:
        raise _not_a_spreadsheet()
    unpacked = sum(part.file_size for part in parts)
    if (
        len(parts) > MAX_XLSX_PARTS
        or unpacked > MAX_XLSX_UNPACKED_BYTES
        or any(part.flag_bits & 0x1 for part in parts)  # encrypted
        or any(
            part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for part in parts
        )
    ):
        raise _refuse(
            _(
                "This workbook unpacks to more than %(max)s MB or is built in an unusual way, "
                "so it is not opened. Copy the rows into a new workbook, or save them as CSV."
            )
            % {"max": MAX_XLSX_UNPACKED_BYTES // MB},
            "xlsx_too_large",
        )
    yield from _openpyxl_rows(data)


def _openpyxl_rows(data: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # noqa: BLE001 - any failure of a third-party reader on hostile input
        raise _refuse(
            _(
                "This Excel workbook cannot be read: it may be damaged. Open it in the "
                "spreadsheet program, save it again and upload that."
            ),
            "damaged_xlsx",
        ) from error
    try:
        if not workbook.worksheets:
            raise _not_a_spreadsheet()
        sheet = workbook.worksheets[0]
        number = 0
        try:
            for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):  # noqa: B007
                yield number, [_xlsx_value(cell) for cell in row]
        except ImportFileError:
            raise
        except Exception as error:  # noqa: BLE001 - as above
            raise _refuse(
                _(
                    "The workbook cannot be read from row %(row)s on: it may be damaged. "
                    "Save it again in the spreadsheet program, or save it as CSV."
                )
                % {"row": number + 1},
                "damaged_xlsx",
            ) from error
    finally:
        workbook.close()


def _xlsx_value(cell) -> Any:
    """A cell as JSON can keep it: text, a number, None, or a marked formula, error or date."""
    value = getattr(cell, "value", None)
    if value is None:
        return None
    kind = getattr(cell, "data_type", None)
    if kind == "f":
        return {"formule": str(getattr(value, "text", value))[:100]}
    if kind == "e":
        return {"fout": str(value)[:20]}
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, datetime | date | time):
        return {"datum": value.isoformat()}
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:  # NaN
            return None
        return value
    return str(value)


# -- Rows --


NOTHING = {"", "-", "--", "\u2013", "\u2014"}  # a dash is how offices write "none"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in NOTHING)


def _collect(rows: Iterable[tuple[int, list]]) -> Sheet:
    """The header (the first filled row) and the filled rows below it, up to the limits."""
    positions: dict[int, str] = {}  # set with the sheet, from the header
    sheet: Sheet | None = None
    empty_run = 0
    last_filled = 0
    for number, cells in rows:
        if all(_blank(cell) for cell in cells):
            empty_run += 1
            if empty_run >= EMPTY_RUN_LIMIT:
                if sheet is not None:
                    sheet.stopped_at = last_filled
                break
            continue
        empty_run = 0
        last_filled = number
        if sheet is None:
            positions, sheet = _header(cells)
            continue
        row_cells = {
            key: _trimmed(cells[index]) for index, key in positions.items() if index < len(cells)
        }
        if all(_blank(value) for value in row_cells.values()):
            continue  # only columns that are not imported are filled
        if len(sheet.rows) >= MAX_DATA_ROWS:
            raise _refuse(
                _(
                    "The file has more than %(max)s rows. Split it into files of at most "
                    "%(max)s rows and import them one after the other."
                )
                % {"max": f"{MAX_DATA_ROWS:,}".replace(",", ".")},
                "too_many_rows",
            )
        sheet.rows.append({"row": number, "cells": row_cells})
    if sheet is None:
        raise _refuse(_("The file is empty."), "empty")
    if not sheet.rows:
        raise _refuse(
            _(
                "The file has column names but no rows below them. Fill in one row per "
                "enterprise (or per enterprise and year)."
            ),
            "no_rows",
        )
    return sheet


def _trimmed(value: Any) -> Any:
    """A cell as the plan keeps it: at most one character longer than any column allows, and
    without NUL (which PostgreSQL's JSON cannot hold; a UTF-16 file or an XLSX escape can bring
    one in). DEL takes its place: the cell is still refused as hiding control characters."""
    if isinstance(value, str):
        return value[: MAX_CELL_CHARS + 1].replace("\x00", "\x7f")
    if isinstance(value, dict):  # a formula, error or date: its text too
        return {key: _trimmed(text) for key, text in value.items()}
    return value


def _header(cells: list) -> tuple[dict[int, str], Sheet]:
    """Column positions by key; the headers not recognised; refusals for what cannot work."""
    positions: dict[int, str] = {}
    ignored = []
    for index, text in enumerate(cells):
        if _blank(text):
            continue
        key = header_key(text)
        if key not in BY_KEY:
            ignored.append(_trimmed(str(text).strip()[:60]))
            continue
        if key in positions.values():
            raise _refuse(
                _("The column “%(column)s” appears twice. Keep one of them.") % {"column": key},
                "duplicate_column",
            )
        positions[index] = key
    missing = [key for key in REQUIRED_COLUMNS if key not in positions.values()]
    if missing:
        raise _refuse(
            _(
                "The first filled row must hold the column names of the template; the "
                "column %(columns)s is missing. Download the template to see every column."
            )
            % {"columns": " and ".join(f"“{key}”" for key in missing)},
            "missing_columns",
        )
    keys = set(positions.values())
    if "jaar" not in keys and any(BY_KEY[key].figures for key in keys):
        raise _refuse(
            _(
                "There are columns with yearly figures but no column “jaar”: add it, with the "
                "year the figures of each row are about."
            ),
            "missing_year_column",
        )
    columns = [key for key in BY_KEY if key in keys]  # the template's order
    return positions, Sheet(columns=columns, ignored=ignored)


# --- Reading one cell -------------------------------------------------------------------------


class CellError(Exception):
    """A cell that cannot be read; ``message`` names the column and says what to type."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


FORMULA_STARTS = ("=", "+", "-", "@")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def display(value: Any) -> str:
    """A cell as the preview shows it: its text, a formula as it was typed."""
    if isinstance(value, dict):
        return str(next(iter(value.values()), ""))
    return _text(value)


def _check_special(key: str, value: Any, *, number: bool = False) -> None:
    """Refuse formulas, error values and dates where the column expects something else."""
    if isinstance(value, dict):
        if "formule" in value:
            raise CellError(
                _(
                    "%(column)s: this cell holds a formula (%(formula)s). The import never "
                    "calculates formulas: type the value itself, or paste the cells as values."
                )
                % {"column": key, "formula": value["formule"]}
            )
        if "fout" in value:
            raise CellError(
                _(
                    "%(column)s: the spreadsheet shows an error here (%(error)s). Type the "
                    "value itself."
                )
                % {"column": key, "error": value["fout"]}
            )
        raise CellError(
            _("%(column)s: this cell holds a date. %(what)s")
            % {"column": key, "what": column_help(BY_KEY[key])}
        )
    text = _text(value)
    starts = ("=",) if number else FORMULA_STARTS
    if isinstance(value, str) and text.startswith(starts):
        raise CellError(
            _(
                "%(column)s: this text starts with “%(sign)s”, which a spreadsheet reads as a "
                "formula. Type it without that sign at the start."
            )
            % {"column": key, "sign": text[0]}
        )


def _hidden_characters(key: str, text: str) -> None:
    try:
        no_hidden_characters(text)
    except ValidationError as error:
        raise CellError(f"{key}: {' '.join(error.messages)}") from None


def read_text(key: str, value: Any, max_length: int) -> str:
    _check_special(key, value)
    text = _text(value)
    _hidden_characters(key, text)
    if len(text) > max_length:
        raise CellError(
            _("%(column)s: at most %(max)s characters, and this has %(length)s.")
            % {"column": key, "max": max_length, "length": len(text)}
        )
    return text


def read_kvk(key: str, value: Any) -> str:
    _check_special(key, value)
    text = re.sub(r"[\s.]", "", _text(value))
    try:
        kvk_number_validator(text)
    except ValidationError:
        hint = ""
        if text.isdigit() and len(text) == 7:
            hint = " " + _(
                "If it starts with 0, the spreadsheet may have dropped that 0: type the number "
                "as text, for example 01234567."
            )
        raise CellError(
            _("%(column)s: a KvK number has exactly 8 digits, for example 12345678.")
            % {"column": key}
            + hint
        ) from None
    return text


def read_year(key: str, value: Any, today: date) -> int:
    _check_special(key, value, number=True)
    text = _text(value)
    last = today.year
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= last:
        raise CellError(
            _("%(column)s: type a year from %(first)s to %(last)s, for example %(example)s.")
            % {"column": key, "first": FIRST_YEAR, "last": last, "example": last - 1}
        )
    return int(text)


def read_postcode(key: str, value: Any) -> str:
    _check_special(key, value)
    text = normalize_postcode(_text(value))
    problem = postcode_problem(text)
    if problem is not None:
        raise CellError(f"{key}: {problem}")
    return text


_URL_FIELD = forms.URLField(max_length=200, assume_scheme="https")


def read_url(key: str, value: Any) -> str:
    _check_special(key, value)
    text = _text(value)
    _hidden_characters(key, text)
    try:
        return _URL_FIELD.clean(text)
    except ValidationError:
        raise CellError(
            _("%(column)s: type a web address, for example www.delinde.nl.") % {"column": key}
        ) from None


@functools.cache
def _choice_map(choices) -> dict[str, str]:
    """Folded value and labels (Dutch and English) -> value; also without spaces ('B.V.')."""
    found: dict[str, str] = {}
    for language in ("nl", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                for text in (value, str(label)):
                    folded = fold(text)
                    found.setdefault(folded, value)
                    found.setdefault(folded.replace(" ", ""), value)
    return found


def read_choice(key: str, value: Any, choices) -> str:
    _check_special(key, value)
    folded = fold(_text(value))
    options = _choice_map(choices)
    found = options.get(folded) or options.get(folded.replace(" ", ""))
    if found is None:
        raise CellError(
            _("%(column)s: “%(value)s” is not a choice here. Type one of: %(choices)s.")
            % {
                "column": key,
                "value": _text(value)[:60],
                "choices": ", ".join(value for value, _label in choices.choices),
            }
        )
    return found


_DUTCH_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")
_ENGLISH_GROUPED = re.compile(r"\d{1,3}(,\d{3})+\.\d+|\d{1,3}(,\d{3}){2,}")
_DECIMAL_COMMA = re.compile(r"\d+(,\d+)?")
_DECIMAL_POINT = re.compile(r"\d+\.(\d{1,2}|\d{4,})")
_AMBIGUOUS = re.compile(r"\d{1,3},\d{3}")


def _amount_text(text: str) -> str:
    cleaned = re.sub(r"[\s\u00a0\u202f€]|^eur(o)?|eur(o)?$", "", text, flags=re.IGNORECASE)
    return re.sub(r",-+$", "", cleaned)  # 12.500,-


def read_euros(key: str, value: Any) -> int:
    """Whole euros, rounded half up: '€ 12.500', '12500', '1.234,56' (1235), '12.500,-'.
    '1,500' can be read two ways and is refused with a message that says how to type it."""
    _check_special(key, value, number=True)
    invalid = CellError(
        _(
            "%(column)s: type an amount in euros, for example 12500, 12.500, € 12.500 or "
            "1.234,56 (no negative amounts)."
        )
        % {"column": key}
    )
    if isinstance(value, int | float):
        amount = Decimal(repr(value))
    else:
        text = _amount_text(_text(value))
        if _AMBIGUOUS.fullmatch(text):
            raise CellError(
                _(
                    "%(column)s: “%(value)s” can be read in two ways. Type whole euros without "
                    "a comma (for example %(whole)s or %(grouped)s), and cents after a comma "
                    "(for example 1,50)."
                )
                % {
                    "column": key,
                    "value": text,
                    "whole": text.replace(",", ""),
                    "grouped": text.replace(",", "."),
                }
            )
        if _DUTCH_GROUPED.fullmatch(text):
            text = text.replace(".", "").replace(",", ".")
        elif _ENGLISH_GROUPED.fullmatch(text):
            text = text.replace(",", "")
        elif _DECIMAL_COMMA.fullmatch(text):
            text = text.replace(",", ".")
        elif not _DECIMAL_POINT.fullmatch(text):
            raise invalid
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise invalid from None
    if not amount.is_finite() or amount < 0:
        raise invalid
    euros = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if euros > MAX_EUROS:
        raise CellError(
            _("%(column)s: at most %(max)s euros.")
            % {"column": key, "max": f"{MAX_EUROS:,}".replace(",", ".")}
        )
    return euros


FTE_MAX = Decimal("99999.9")


def read_fte(key: str, value: Any) -> Decimal:
    """Paid jobs with one decimal, rounded half up: '2,5', '2.5', 2.5."""
    _check_special(key, value, number=True)
    invalid = CellError(
        _("%(column)s: type the paid jobs in FTE, for example 2,5 (not negative).")
        % {"column": key}
    )
    if isinstance(value, int | float):
        number = Decimal(repr(value))
    else:
        text = _text(value).replace(" ", "")
        if not re.fullmatch(r"\d+([.,]\d+)?", text):
            raise invalid
        number = Decimal(text.replace(",", "."))
    if not number.is_finite() or number < 0 or number > FTE_MAX:
        raise invalid
    return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def read_count(key: str, value: Any) -> int:
    """A whole number of people: '25', '1.200', 25.0."""
    _check_special(key, value, number=True)
    invalid = CellError(
        _("%(column)s: type a whole number, for example 25 (not negative).") % {"column": key}
    )
    if isinstance(value, float):
        if not value.is_integer():
            raise invalid
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = _text(value).replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        if not re.fullmatch(r"\d{1,10}", text):
            raise invalid
        number = int(text)
    if number < 0 or number > 2_000_000_000:
        raise invalid
    return number


# --- What the database knows -------------------------------------------------------------------


@dataclass
class Snapshot:
    """The reference data and the enterprises a file may name, read in a fixed number of
    queries. Plain dictionaries from here on."""

    today: date
    municipality_by_code: dict[str, int]
    municipalities_by_name: dict[str, set[int]]
    municipality_names: dict[int, str]
    theme_by_key: dict[str, int]
    theme_names: dict[int, str]
    enterprises: dict[int, dict] = field(default_factory=dict)
    by_kvk: dict[str, list[int]] = field(default_factory=dict)
    by_name: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    figures: dict[tuple[int, int], dict] = field(default_factory=dict)
    loaded: bool = False  # the enterprises are read (load_enterprises)


ENTERPRISE_FIELDS = (
    "name",
    "kvk_number",
    "municipality_id",
    "kind",
    "legal_form",
    "founded_year",
    "neighbourhood",
    "postcode",
    "website",
)


def load_reference(today: date | None = None) -> Snapshot:
    """Municipalities (by code and every name people use) and themes: two queries."""
    by_name: dict[str, set[int]] = defaultdict(set)
    by_code: dict[str, int] = {}
    names: dict[int, str] = {}
    for pk, code, name, search_names in Municipality.objects.values_list(
        "pk", "cbs_code", "name", "search_names"
    ):
        by_code[code.upper()] = pk
        names[pk] = name
        for folded in [fold(name), *search_names.split("|")]:
            if folded:
                by_name[folded].add(pk)
    theme_by_key: dict[str, int] = {}
    theme_names: dict[int, str] = {}
    for pk, slug, name, name_en in Theme.objects.values_list("pk", "slug", "name", "name_en"):
        theme_names[pk] = name
        for text in (slug, name, name_en):
            if text:
                theme_by_key.setdefault(fold(text), pk)
    return Snapshot(
        today=today or timezone.localdate(),
        municipality_by_code=by_code,
        municipalities_by_name=dict(by_name),
        municipality_names=names,
        theme_by_key=theme_by_key,
        theme_names=theme_names,
    )


def load_enterprises(snapshot: Snapshot, kvk_numbers: set[str], municipalities: set[int]) -> None:
    """The enterprises the rows may name (by KvK number, or in the municipalities they name),
    with their themes, whether residents own them, and their yearly figures: four queries."""
    found = Enterprise.objects.filter(
        Q(kvk_number__in=kvk_numbers) | Q(municipality_id__in=municipalities)
    ).values("pk", "status", *ENTERPRISE_FIELDS)
    by_kvk: dict[str, list[int]] = defaultdict(list)
    by_name: dict[tuple[str, int], list[int]] = defaultdict(list)
    for row in found:
        pk = row.pop("pk")
        row["themes"] = []
        row["owned"] = False
        snapshot.enterprises[pk] = row
        if row["kvk_number"]:
            by_kvk[row["kvk_number"]].append(pk)
        by_name[(fold(row["name"]), row["municipality_id"])].append(pk)
    snapshot.by_kvk, snapshot.by_name = dict(by_kvk), dict(by_name)
    ids = list(snapshot.enterprises)
    through = Enterprise.themes.through.objects.filter(enterprise_id__in=ids)
    for enterprise_id, theme_id in through.values_list("enterprise_id", "theme_id"):
        snapshot.enterprises[enterprise_id]["themes"].append(theme_id)
    owners = Membership.objects.filter(enterprise_id__in=ids, role=MembershipRole.OWNER)
    for enterprise_id in owners.values_list("enterprise_id", flat=True):
        snapshot.enterprises[enterprise_id]["owned"] = True
    for row in YearFigures.objects.filter(enterprise_id__in=ids).values(
        "enterprise_id", "year", *FIGURE_FIELDS
    ):
        snapshot.figures[(row.pop("enterprise_id"), row.pop("year"))] = row
    snapshot.loaded = True


# --- One row ----------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    number: int
    cells: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    enterprise: dict[str, Any] = field(default_factory=dict)  # model field -> value
    themes: list[int] | None = None
    year: int | None = None
    figures: dict[str, Any] = field(default_factory=dict)


def read_municipality(key: str, value: Any, snapshot: Snapshot) -> int:
    _check_special(key, value)
    text = _text(value)
    code = text.upper().replace(" ", "")
    if re.fullmatch(r"GM\d{4}", code):
        if code in snapshot.municipality_by_code:
            return snapshot.municipality_by_code[code]
    else:
        folded = fold(text)
        folded = folded.removeprefix("gemeente ")
        found = snapshot.municipalities_by_name.get(folded, set())
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            names = sorted(snapshot.municipality_names[pk] for pk in found)
            raise CellError(
                _(
                    "%(column)s: several municipalities have this name (%(names)s). Type the "
                    "CBS code of the one you mean."
                )
                % {"column": key, "names": ", ".join(names)}
            )
    raise CellError(
        _(
            "%(column)s: “%(value)s” is not a municipality we know. Type the official name "
            "('s-Gravenhage), a name people use (Den Haag) or the CBS code (GM0518)."
        )
        % {"column": key, "value": text[:60]}
    )


def read_themes(key: str, value: Any, snapshot: Snapshot) -> list[int]:
    _check_special(key, value)
    found = set()
    for part in re.split(r"[,;|]", _text(value)):
        if not part.strip():
            continue
        pk = snapshot.theme_by_key.get(fold(part))
        if pk is None:
            raise CellError(
                _("%(column)s: “%(theme)s” is not a theme. Choose from: %(themes)s.")
                % {
                    "column": key,
                    "theme": part.strip()[:60],
                    "themes": ", ".join(sorted(snapshot.theme_names.values())),
                }
            )
        found.add(pk)
    return sorted(found)


def _max_length(field_name: str) -> int:
    model_field = Enterprise._meta.get_field(field_name)
    # A text column is a CharField of the enterprise: its limit is the cell's.
    assert isinstance(model_field, CharField) and model_field.max_length is not None
    return model_field.max_length


def parse_row(number: int, cells: dict[str, Any], snapshot: Snapshot) -> ParsedRow:
    """Every cell of one row read into the value the portal stores, or its error. An empty
    cell leaves what the portal has (for a new enterprise: the default)."""
    row = ParsedRow(number=number, cells=cells)
    # In the template's order, whatever order the cells come in (PostgreSQL keeps a stored
    # plan's keys in an order of its own): the changes of a plan made again compare equal.
    for column in COLUMNS:
        value = cells.get(column.key)
        if _blank(value):
            continue
        key = column.key
        try:
            parsed = _read(column, value, snapshot)
        except CellError as error:
            row.errors[key] = error.message
            continue
        if column.key == "jaar":
            row.year = parsed
        elif column.figures:
            row.figures[column.field] = parsed
        elif column.key == "themas":
            row.themes = parsed
        elif column.key == "gemeente":
            row.enterprise["municipality_id"] = parsed
        else:
            row.enterprise[column.field] = parsed
    for key in REQUIRED_COLUMNS:
        if _blank(cells.get(key)) and key not in row.errors:
            row.errors[key] = _required_message(key)
    if row.year is None and row.figures and "jaar" not in row.errors:
        row.errors["jaar"] = _(
            "jaar: this row has figures but no year. Type the year they are about, for "
            "example %(example)s."
        ) % {"example": snapshot.today.year - 1}
    return row


def _required_message(key: str) -> str:
    if key == "naam":
        return _("naam: every row needs the name of the enterprise.")
    return _(
        "gemeente: every row needs the municipality: its name (Den Haag) or CBS code (GM0518)."
    )


def _read(column: Column, value: Any, snapshot: Snapshot) -> Any:
    key, kind = column.key, column.kind
    if kind == "text":
        return read_text(key, value, _max_length(column.field))
    if kind == "kvk":
        return read_kvk(key, value)
    if kind == "municipality":
        return read_municipality(key, value, snapshot)
    if kind == "kind":
        return read_choice(key, value, EnterpriseKind)
    if kind == "legal_form":
        return read_choice(key, value, LegalForm)
    if kind == "year":
        return read_year(key, value, snapshot.today)
    if kind == "postcode":
        return read_postcode(key, value)
    if kind == "url":
        return read_url(key, value)
    if kind == "themes":
        return read_themes(key, value, snapshot)
    if kind == "euros":
        return read_euros(key, value)
    if kind == "fte":
        return read_fte(key, value)
    return read_count(key, value)


# --- The plan ---------------------------------------------------------------------------------

NEW, CHANGED, UNCHANGED, SKIPPED, ERROR = "new", "changed", "unchanged", "skipped", "error"
OUTCOMES = (NEW, CHANGED, UNCHANGED, SKIPPED, ERROR)
KEY_OF_FIELD = {column.field: column.key for column in COLUMNS} | {"municipality_id": "gemeente"}


@dataclass
class _Group:
    """The rows that name one enterprise: an existing one (``pk``) or a new one (``ref``)."""

    pk: int | None = None
    ref: int | None = None
    kvk: str = ""
    rows: list[ParsedRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    value_rows: dict[str, int] = field(default_factory=dict)
    themes: list[int] | None = None
    themes_row: int | None = None
    years: dict[int, ParsedRow] = field(default_factory=dict)

    @property
    def target(self) -> dict:
        return {"enterprise": self.pk} if self.pk is not None else {"new": self.ref}


def _show(field_name: str, value: Any, snapshot: Snapshot) -> str:
    """A value as the preview shows it, the same in every language (so that a plan made again
    compares equal)."""
    if value in (None, "", []):
        return "—"
    if field_name == "municipality_id":
        return snapshot.municipality_names.get(value, str(value))
    if field_name == "themes":
        return ", ".join(sorted(snapshot.theme_names.get(pk, str(pk)) for pk in value))
    if field_name in MONEY_FIELDS:
        return "€ " + f"{int(value):,}".replace(",", ".")
    if field_name == "paid_staff_fte":
        return str(value).replace(".", ",")
    return str(value)


def _json_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


class _Planner:
    def __init__(self, rows: list[ParsedRow], snapshot: Snapshot):
        self.rows = rows
        self.snapshot = snapshot
        self.groups: dict[tuple, _Group] = {}
        self.group_of: dict[int, _Group] = {}  # row number -> group
        # The enterprises earlier rows of the file named, by KvK number and by name: a later row
        # may name one of them by its new name, or give the KvK number of a new one.
        self.file_by_kvk: dict[str, _Group] = {}
        self.file_by_name: dict[tuple[str, int], _Group] = {}
        self.next_ref = 1

    # -- matching --

    def _existing(self, pk: int) -> _Group:
        key = ("db", pk)
        if key not in self.groups:
            self.groups[key] = _Group(pk=pk, kvk=self.snapshot.enterprises[pk]["kvk_number"])
        return self.groups[key]

    def _new(self, kvk: str) -> _Group:
        group = _Group(ref=self.next_ref, kvk=kvk)
        self.next_ref += 1
        self.groups[("new", group.ref)] = group
        return group

    def match(self, row: ParsedRow) -> _Group | None:
        """The enterprise the row names, remembered for the rows after it."""
        group = self._match(row)
        if group is not None:
            kvk = row.enterprise.get("kvk_number", "")
            if kvk:
                self.file_by_kvk.setdefault(kvk, group)
            name_key = (fold(row.enterprise["name"]), row.enterprise["municipality_id"])
            self.file_by_name.setdefault(name_key, group)
        return group

    def _match(self, row: ParsedRow) -> _Group | None:
        """KvK number first, then the name in the same municipality; the same rules for the
        enterprises that earlier rows of the file create or rename."""
        snapshot = self.snapshot
        kvk = row.enterprise.get("kvk_number", "")
        name_key = (fold(row.enterprise["name"]), row.enterprise["municipality_id"])
        if kvk:
            found = snapshot.by_kvk.get(kvk, [])
            if len(found) == 1:
                return self._existing(found[0])
            if len(found) > 1:
                row.errors["kvk_nummer"] = _(
                    "kvk_nummer: %(count)s enterprises in the portal have this KvK number; "
                    "staff must merge them before the import can tell which one is meant."
                ) % {"count": len(found)}
                return None
            if kvk in self.file_by_kvk:
                return self.file_by_kvk[kvk]
        named = snapshot.by_name.get(name_key, [])
        if kvk and named:
            without_kvk = [pk for pk in named if not snapshot.enterprises[pk]["kvk_number"]]
            if len(without_kvk) == 1:
                return self._existing(without_kvk[0])
            numbers = sorted(snapshot.enterprises[pk]["kvk_number"] for pk in named)
            row.errors["kvk_nummer"] = _(
                "kvk_nummer: an enterprise with this name in this municipality is in the portal "
                "with another KvK number (%(numbers)s). Check the number, or the name."
            ) % {"numbers": ", ".join(number for number in numbers if number) or "—"}
            return None
        if named:
            if len(named) == 1:
                return self._existing(named[0])
            row.errors["naam"] = _(
                "naam: %(count)s enterprises in the portal have this name in this "
                "municipality. Fill in the KvK number to say which one is meant."
            ) % {"count": len(named)}
            return None
        group = self.file_by_name.get(name_key)
        if group is not None:
            if kvk and group.kvk and group.kvk != kvk:
                row.errors["kvk_nummer"] = _(
                    "kvk_nummer: row %(row)s gives this name in this municipality with KvK "
                    "number %(number)s. Check the number, or the name."
                ) % {"row": group.rows[0].number, "number": group.kvk}
                return None
            if kvk:
                group.kvk = kvk
            return group
        return self._new(kvk)

    # -- merging the rows of one enterprise --

    def merge(self, group: _Group, row: ParsedRow) -> None:
        for field_name, value in row.enterprise.items():
            if field_name in group.values and group.values[field_name] != value:
                key = KEY_OF_FIELD[field_name]
                row.errors.setdefault(key, self._conflict(key, group.value_rows[field_name]))
            else:
                group.values.setdefault(field_name, value)
                group.value_rows.setdefault(field_name, row.number)
        if row.themes is not None:
            if group.themes is None or group.themes_row is None:
                group.themes, group.themes_row = row.themes, row.number
            elif group.themes != row.themes:
                row.errors.setdefault("themas", self._conflict("themas", group.themes_row))
        if row.year is not None:
            if row.year in group.years:
                row.errors.setdefault(
                    "jaar",
                    _(
                        "jaar: row %(row)s already gives the figures of %(year)s for this "
                        "enterprise. Keep one row per enterprise and year."
                    )
                    % {"row": group.years[row.year].number, "year": row.year},
                )
            else:
                group.years[row.year] = row

    @staticmethod
    def _conflict(key: str, row_number: int) -> str:
        return _(
            "%(column)s: row %(row)s gives this enterprise another value here. Make them the "
            "same, or leave this cell empty."
        ) % {"column": key, "row": row_number}

    # -- the plan --

    def plan(self) -> tuple[list[dict], dict]:
        for row in self.rows:
            if row.errors:
                # A row with an error is not matched: it cannot be applied anyway, and what it
                # would match may change once it is corrected.
                continue
            group = self.match(row)
            if group is None:
                continue
            group.rows.append(row)
            self.group_of[row.number] = group
            self.merge(group, row)
        for group in self.groups.values():
            if group.pk is None:
                self._check_new(group)
        actions = self._actions()
        return [self._row(row) for row in self.rows], actions

    def _check_new(self, group: _Group) -> None:
        first = group.rows[0]
        if "kind" not in group.values:
            first.errors.setdefault(
                "soort",
                _("soort: a new enterprise needs its kind. Type one of: %(choices)s.")
                % {"choices": ", ".join(value for value, _label in EnterpriseKind.choices)},
            )
        if "neighbourhood" not in group.values:
            first.errors.setdefault(
                "wijk", _("wijk: a new enterprise needs its neighbourhood, block or village.")
            )

    def _enterprise_changes(self, pk: int, row: ParsedRow) -> list[dict]:
        """What this row's cells would change of the enterprise ``pk`` in the portal."""
        current = self.snapshot.enterprises[pk]
        changes = []
        for field_name, value in row.enterprise.items():
            if current[field_name] != value:
                changes.append(self._change(field_name, current[field_name], value))
        if row.themes is not None and sorted(current["themes"]) != row.themes:
            changes.append(self._change("themes", current["themes"], row.themes))
        return changes

    def _figure_changes(self, pk: int, row: ParsedRow) -> list[dict]:
        if row.year is None:
            return []
        current = self.snapshot.figures.get((pk, row.year))
        if current is None:
            return [{"column": "jaar", "before": "—", "after": str(row.year)}]
        return [
            self._change(field_name, current[field_name], value, year=row.year)
            for field_name, value in row.figures.items()
            if current[field_name] != value
        ]

    def _change(self, field_name: str, before: Any, after: Any, year: int | None = None) -> dict:
        change: dict[str, str | int] = {
            "column": KEY_OF_FIELD.get(field_name, "themas"),
            "before": _show(field_name, before, self.snapshot),
            "after": _show(field_name, after, self.snapshot),
        }
        if year is not None:
            change["year"] = year
        return change

    def _row(self, row: ParsedRow) -> dict:
        group = self.group_of.get(row.number)
        planned = {
            "row": row.number,
            "cells": row.cells,
            "values": {
                "enterprise": {key: _json_value(value) for key, value in row.enterprise.items()},
                "themes": row.themes,
                "year": row.year,
                "figures": {key: _json_value(value) for key, value in row.figures.items()},
            },
            "target": group.target if group else None,
            "changes": [],
            "errors": row.errors,
        }
        if row.errors:
            planned["outcome"] = ERROR
            return planned
        # plan() gives every row without errors its group: a row it cannot match gets an error.
        assert group is not None
        if group.pk is None:
            planned["outcome"] = NEW
            planned["first_row"] = group.rows[0].number  # the row that creates it
        else:
            changes = self._enterprise_changes(group.pk, row) + self._figure_changes(group.pk, row)
            planned["changes"] = changes
            current = self.snapshot.enterprises[group.pk]
            if not changes:
                planned["outcome"] = UNCHANGED
            elif current["status"] == EnterpriseStatus.ARCHIVED:
                planned["outcome"] = SKIPPED
                planned["reason"] = _(
                    "This enterprise is archived in the portal: the import changes nothing of it."
                )
            elif current["owned"]:
                planned["outcome"] = SKIPPED
                planned["reason"] = _(
                    "Residents keep this enterprise in the portal now: the import changes "
                    "nothing of theirs."
                )
            else:
                planned["outcome"] = CHANGED
        return planned

    def _actions(self) -> dict:
        """What applying the plan writes, enterprise by enterprise and year by year."""
        create, update, figures_create, figures_update = [], [], [], []
        for group in self.groups.values():
            rows = [row for row in group.rows if not row.errors]
            if not rows:
                continue
            if group.pk is None:
                create.append(
                    {
                        "ref": group.ref,
                        "values": {k: _json_value(v) for k, v in group.values.items()},
                        "themes": group.themes or [],
                    }
                )
            else:
                current = self.snapshot.enterprises[group.pk]
                if current["owned"] or current["status"] == EnterpriseStatus.ARCHIVED:
                    continue
                changed = {k: _json_value(v) for k, v in group.values.items() if current[k] != v}
                themes = group.themes
                if themes is not None and sorted(current["themes"]) == themes:
                    themes = None
                if changed or themes is not None:
                    update.append({"enterprise": group.pk, "values": changed, "themes": themes})
            for year, row in sorted(group.years.items()):
                if row.errors:
                    continue
                values = {k: _json_value(v) for k, v in row.figures.items()}
                current_figures = (
                    self.snapshot.figures.get((group.pk, year)) if group.pk is not None else None
                )
                if current_figures is None:
                    figures_create.append({**group.target, "year": year, "values": values})
                else:
                    changed = {
                        k: v for k, v in values.items() if _json_value(current_figures[k]) != v
                    }
                    if changed:
                        figures_update.append(
                            {"enterprise": group.pk, "year": year, "values": changed}
                        )
        return {
            "create": create,
            "update": update,
            "figures_create": figures_create,
            "figures_update": figures_update,
        }


def make_plan(sheet: Sheet, snapshot: Snapshot | None = None) -> dict:
    """The plan of a sheet against the database as it is now (JSON, stored with the batch)."""
    snapshot = snapshot or load_reference()
    parsed = [parse_row(row["row"], row["cells"], snapshot) for row in sheet.rows]
    if not snapshot.loaded:
        kvks = {row.enterprise["kvk_number"] for row in parsed if row.enterprise.get("kvk_number")}
        municipalities = {
            row.enterprise["municipality_id"]
            for row in parsed
            if row.enterprise.get("municipality_id")
        }
        load_enterprises(snapshot, kvks, municipalities)
    rows, actions = _Planner(parsed, snapshot).plan()
    counts = dict.fromkeys(OUTCOMES, 0)
    for row in rows:
        counts[row["outcome"]] += 1
    counts["rows"] = len(rows)
    return {
        "version": PLAN_VERSION,
        "columns": sheet.columns,
        "ignored_columns": sheet.ignored,
        "stopped_at": sheet.stopped_at,
        "rows": rows,
        "counts": counts,
        "actions": actions,
    }


def sheet_of(plan: dict) -> Sheet:
    """The sheet a stored plan was made from (its cells are kept as they were read)."""
    return Sheet(
        columns=plan.get("columns", []),
        ignored=plan.get("ignored_columns", []),
        rows=[{"row": row["row"], "cells": row["cells"]} for row in plan.get("rows", [])],
        stopped_at=plan.get("stopped_at"),
    )


def comparable(plan: dict) -> str:
    """What a confirmation must find unchanged since the preview: each row's outcome, target
    and changes (before and after), and everything that would be written. As canonical JSON:
    the database may keep a plan's keys in another order."""
    rows = [
        [row["row"], row["outcome"], row["target"], row["changes"]] for row in plan.get("rows", [])
    ]
    return json.dumps([rows, plan.get("actions")], sort_keys=True)


SUMMARY_CELLS = ("naam", "gemeente", "jaar")


def summary(plan: dict) -> dict:
    """What an applied plan keeps: each row's outcome, target and changes, and the cells the
    page shows; not every value again (a plan of 10,000 rows is some 18 MB, this a fifth)."""
    kept = {key: value for key, value in plan.items() if key not in ("rows", "actions")}
    kept["rows"] = [
        {
            **{key: value for key, value in row.items() if key not in ("cells", "values")},
            "cells": {key: row["cells"][key] for key in SUMMARY_CELLS if key in row["cells"]},
        }
        for row in plan.get("rows", [])
    ]
    return kept


def rows_with_errors(plan: dict) -> list[int]:
    return [row["row"] for row in plan.get("rows", []) if row["outcome"] == ERROR]


def enterprise_ids(plan: dict) -> list[int]:
    """The existing enterprises a plan names (to lock them while it is applied)."""
    return sorted(
        {
            row["target"]["enterprise"]
            for row in plan.get("rows", [])
            if row.get("target") and "enterprise" in row["target"]
        }
    )


# --- The template -----------------------------------------------------------------------------


def template_header() -> list[str]:
    return [column.key for column in COLUMNS]


def template_help_rows() -> list[list[str]]:
    """One line per column for the template's explanation sheet."""
    return [[column.key, column_help(column), column.example] for column in COLUMNS]
