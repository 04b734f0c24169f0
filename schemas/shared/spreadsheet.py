"""Raw rows from the files Danish offices send: CSV as Excel exports it (';' or ',',
cp1252 or UTF-8 with or without BOM) and XLSX. Parsers of member lists, survey exports and
job-centre extracts read their cells from here and give them meaning themselves."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from schemas.shared.errors import DomainError

DELIMITERS = (";", ",", "\t")
# What a member list, participant list, survey export or extract can hold; a file past any of
# these is refused before (or while) it is read, so memory and time stay bounded.
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 2000
# An XLSX is a zip: its parts inflated may not pass these (a real workbook of 5000 rows is a
# few MB inflated and compresses at most ~20:1; bombs inflate 1000:1 and more).
MAX_ZIP_MEMBERS = 200
MAX_INFLATED_BYTES = 20 * 1024 * 1024
MAX_ZIP_RATIO = 100
# What a spreadsheet program would run as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileTooLarge(DomainError):
    """A file past one of the limits (refused like any other unreadable file, naming it)."""


def neutral(text: str) -> str:
    """Text that goes into a cell a spreadsheet program opens: never the start of a formula
    (a leading apostrophe makes Excel and LibreOffice show it as text)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def check_zip(data: bytes, field: str) -> None:
    """Refuse an XLSX whose parts would inflate past the limits, before any part is read.
    The sizes are the ones the zip declares; zipfile stops at a part's declared size and its
    CRC check fails for a part that lies, so a lie cannot get past this either."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DomainError(field, "kan ikke læses som XLSX – gem filen igen fra Excel") from None
    if len(parts) > MAX_ZIP_MEMBERS:
        raise FileTooLarge(
            field, f"XLSX-filen har {len(parts)} dele – højst {MAX_ZIP_MEMBERS}; gem den igen"
        )
    inflated = sum(p.file_size for p in parts)
    if inflated > MAX_INFLATED_BYTES:
        raise FileTooLarge(
            field,
            f"XLSX-filen fylder {inflated // (1024 * 1024)} MB udpakket – højst "
            f"{MAX_INFLATED_BYTES // (1024 * 1024)} MB; send kun de nødvendige rækker",
        )
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_ZIP_RATIO * max(
            part.compress_size, 1
        ):
            raise FileTooLarge(
                field,
                f"XLSX-filen pakker sig ud til mere end {MAX_ZIP_RATIO} gange sin størrelse – "
                "det gør et regneark ikke; gem det igen fra Excel",
            )


def _too_many_rows(field: str) -> FileTooLarge:
    return FileTooLarge(field, f"filen har mere end {MAX_ROWS} rækker – send kun de nødvendige")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; Danish Excel's own export is cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_rows(text: str, delimiter: str, field: str) -> list[list[str]]:
    """All rows of a CSV text; a file the csv module cannot read is a DomainError."""
    rows: list[list[str]] = []
    try:
        reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter)
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows(field)
            rows.append([cell[:MAX_CELL_CHARS] for cell in row[:MAX_COLUMNS]])
        return rows
    except csv.Error as exc:
        raise DomainError(
            field, f"filen kan ikke læses som CSV ({exc}) – gem den igen som CSV"
        ) from None


def first_line_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=first.count)


def is_xlsx(data: bytes, filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"


def xlsx_rows(data: bytes, field: str, prefer_sheet: str | None = None) -> list[list[Any]]:
    """The rows of ``prefer_sheet`` if the workbook has it, else of its first sheet; row i of
    the result is spreadsheet row i + 1, blank rows included."""
    from openpyxl import load_workbook

    check_zip(data, field)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = (
            book[prefer_sheet]
            if prefer_sheet and prefer_sheet in book.sheetnames
            else book.worksheets[0]
        )
        # The sheet's own <dimension> may lie or be missing: read no further than the limits.
        sheet.reset_dimensions()
        rows: list[list[Any]] = []
        for row in sheet.iter_rows(max_col=MAX_COLUMNS):
            cells = [c for c in row if hasattr(c, "row")]
            if cells:
                if cells[0].row > MAX_ROWS:
                    raise _too_many_rows(field)
                # Read-only sheets leave out rows with no cells at all: keep numbering true.
                rows.extend([] for _ in range(cells[0].row - 1 - len(rows)))
            elif len(rows) >= MAX_ROWS:
                raise _too_many_rows(field)
            rows.append([_bounded(c.value) for c in row])
        return rows
    except DomainError:
        raise
    except Exception:  # openpyxl raises many kinds for a broken file; all mean the same here
        raise DomainError(field, "kan ikke læses som XLSX – gem filen igen fra Excel") from None


def _bounded(value: Any) -> Any:
    return value[:MAX_CELL_CHARS] if isinstance(value, str) else value
