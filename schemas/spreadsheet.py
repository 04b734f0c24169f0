"""Raw rows from the files Danish offices send: CSV as Excel exports it (';' or ',',
cp1252 or UTF-8 with or without BOM) and XLSX. Parsers of member lists, survey exports and
job-centre extracts read their cells from here and give them meaning themselves."""

from __future__ import annotations

import csv
import io
from typing import Any

from schemas.errors import DomainError

DELIMITERS = (";", ",", "\t")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; Danish Excel's own export is cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_rows(text: str, delimiter: str, field: str) -> list[list[str]]:
    """All rows of a CSV text; a file the csv module cannot read is a DomainError."""
    try:
        return list(
            csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter)
        )
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

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = (
            book[prefer_sheet]
            if prefer_sheet and prefer_sheet in book.sheetnames
            else book.worksheets[0]
        )
        rows: list[list[Any]] = []
        for row in sheet.iter_rows():
            cells = [c for c in row if hasattr(c, "row")]
            if cells:
                # Read-only sheets leave out rows with no cells at all: keep numbering true.
                rows.extend([] for _ in range(cells[0].row - 1 - len(rows)))
            rows.append([c.value for c in row])
        return rows
    except Exception:  # openpyxl raises many kinds for a broken file; all mean the same here
        raise DomainError(field, "kan ikke læses som XLSX – gem filen igen fra Excel") from None
