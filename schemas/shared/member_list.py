"""The member list as Danish Excel exports it (CSV with ';', cp1252 or UTF-8 with BOM, or XLSX)."""

from __future__ import annotations

import re

from pydantic import ValidationError

from schemas.shared.errors import DomainError, DomainErrors, from_validation_error
from schemas.shared.people import Member
from schemas.shared.spreadsheet import (
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


HEADER_LINE = "navn;email;ydernummer"


def parse_member_lines(text: str) -> list[Member]:
    """Members typed or pasted one per line as ``navn;email;ydernummer`` (a header line may
    be there or not); problems are named by line."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n")]
    first = next((line for line in lines if line.strip()), "")
    header = all(_header_key(cell) for cell in first.replace(",", ";").split(";") if cell.strip())
    if not first.strip():
        raise DomainError("members", "skriv mindst ét medlem: navn;email;ydernummer")
    body = "\n".join(lines) if header else HEADER_LINE + "\n" + "\n".join(lines)
    try:
        return parse_member_list(body.encode("utf-8"), "medlemmer.csv")
    except DomainErrors as exc:
        raise DomainErrors([_as_line(e, 0 if header else 1) for e in exc.errors]) from None
    except DomainError as exc:
        raise _as_line(exc, 0 if header else 1) from None


def _as_line(error: DomainError, shift: int) -> DomainError:
    """'members_file række 3, email' -> 'members' with 'linje 2: email …'."""
    found = re.match(r"members_file række (\d+), (\w+)", error.field)
    if found is None:
        return DomainError("members", error.message)
    line = int(found.group(1)) - shift
    return DomainError("members", f"linje {line}, {found.group(2)}: {error.message}")


def member_lines(members: list[Member]) -> str:
    """The members as the lines ``parse_member_lines`` reads, to show them back in a form."""
    return "\n".join(f"{m.name};{m.email};{m.ydernummer}" for m in members)
