"""The member list as Danish Excel exports it (CSV with ';', cp1252 or UTF-8 with BOM, or XLSX)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from pydantic import ValidationError

from schemas.errors import DomainError, DomainErrors, from_validation_error
from schemas.people import Member

_HEADERS = {
    "name": {"navn", "name", "fulde navn", "læge", "laege"},
    "email": {"email", "e-mail", "mail", "e-mailadresse", "emailadresse", "e mail"},
    "ydernummer": {
        "ydernummer",
        "ydernr",
        "ydernr.",
        "yder nr",
        "yder nr.",
        "yder-nr",
        "ydernummer (6 cifre)",
    },
}


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


def _header_key(cell: object) -> str | None:
    text = re.sub(r"\s+", " ", str(cell or "").strip().lower())
    for key, spellings in _HEADERS.items():
        if text in spellings:
            return key
    return None


def _rows_from_csv(data: bytes) -> list[list[Any]]:
    text = decode_text(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max([";", ",", "\t"], key=first.count)
    return read_csv_rows(text, delimiter, "members_file")


def _rows_from_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file; all mean the same here
        raise DomainError(
            "members_file", "kan ikke læses som XLSX – gem filen igen fra Excel"
        ) from None
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def parse_member_list(data: bytes, filename: str) -> list[Member]:
    """Members from a CSV or XLSX file; every bad row is reported with its row number."""
    is_xlsx = filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    rows = _rows_from_xlsx(data) if is_xlsx else _rows_from_csv(data)
    rows = [r for r in rows if any(str(c or "").strip() for c in r)]
    if not rows:
        raise DomainError(
            "members_file", "filen er tom – den skal have kolonnerne navn;email;ydernummer"
        )
    columns = {key: i for i, cell in enumerate(rows[0]) if (key := _header_key(cell))}
    missing = [k for k in ("name", "email", "ydernummer") if k not in columns]
    if missing:
        danish = {"name": "navn", "email": "email", "ydernummer": "ydernummer"}
        raise DomainError(
            "members_file",
            "mangler kolonnen/kolonnerne "
            + ", ".join(danish[k] for k in missing)
            + " i første række – overskrifterne skal være navn;email;ydernummer",
        )
    members: list[Member] = []
    errors: list[DomainError] = []
    seen: dict[str, int] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        values = {k: (row[i] if i < len(row) else None) for k, i in columns.items()}
        if isinstance(values["name"], str):
            values["name"] = values["name"].strip()
        try:
            member = Member.model_validate(values)
        except ValidationError as exc:
            for err in from_validation_error(exc).errors:
                errors.append(
                    DomainError(f"members_file række {row_number}, {err.field}", err.message)
                )
            continue
        if member.email in seen:
            errors.append(
                DomainError(
                    f"members_file række {row_number}, email",
                    f"samme e-mail som række {seen[member.email]} – fjern dubletten",
                )
            )
            continue
        seen[member.email] = row_number
        members.append(member)
    if errors:
        raise DomainErrors(errors)
    return members
