"""The member list as Danish Excel exports it (CSV with ';', cp1252 or UTF-8 with BOM, or XLSX)."""

from __future__ import annotations

import re

from pydantic import ValidationError

from schemas.errors import DomainError, DomainErrors, from_validation_error
from schemas.people import Member
from schemas.spreadsheet import (
    decode_text,
    first_line_delimiter,
    is_xlsx,
    read_csv_rows,
    xlsx_rows,
)

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


def _header_key(cell: object) -> str | None:
    text = re.sub(r"\s+", " ", str(cell or "").strip().lower())
    for key, spellings in _HEADERS.items():
        if text in spellings:
            return key
    return None


def parse_member_list(data: bytes, filename: str) -> list[Member]:
    """Members from a CSV or XLSX file; every bad row is reported with its row number."""
    if is_xlsx(data, filename):
        rows = xlsx_rows(data, "members_file")
    else:
        text = decode_text(data)
        rows = read_csv_rows(text, first_line_delimiter(text), "members_file")
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
