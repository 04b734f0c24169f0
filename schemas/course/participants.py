"""A course's participant list as a spreadsheet saves it (CSV or XLSX: email, navn, team)."""

from __future__ import annotations

from pydantic import ValidationError

from schemas.course.request import Participant
from schemas.shared.errors import DomainError, DomainErrors, from_validation_error
from schemas.shared.spreadsheet import (
    decode_text,
    first_line_delimiter,
    is_xlsx,
    read_csv_rows,
    xlsx_rows,
)

_PARTICIPANT_HEADERS = {
    "email": {"email", "e-mail", "mail", "e-mailadresse"},
    "name": {"navn", "name", "deltager"},
    "team": {"team", "afdeling", "enhed"},
}


def parse_participants(data: bytes, filename: str) -> list[Participant]:
    """Participants from CSV/XLSX (columns email, navn, team; only email is required)."""
    if is_xlsx(data, filename):
        rows = xlsx_rows(data, "participants_file")
    else:
        text = decode_text(data)
        rows = read_csv_rows(text, first_line_delimiter(text), "participants_file")
    rows = [[str(c or "").strip() for c in r] for r in rows if any(str(c or "").strip() for c in r)]
    if not rows:
        raise DomainError("participants_file", "filen er tom – kolonnerne er email;navn;team")
    columns = {
        key: i
        for i, cell in enumerate(rows[0])
        for key, names in _PARTICIPANT_HEADERS.items()
        if cell.lower() in names
    }
    if "email" not in columns:
        raise DomainError(
            "participants_file", "mangler kolonnen email i første række – fx email;navn;team"
        )
    people = []
    errors: list[DomainError] = []
    for number, row in enumerate(rows[1:], start=2):
        values = {k: (row[i] if i < len(row) else "") or None for k, i in columns.items()}
        try:
            people.append(Participant.model_validate(values))
        except ValidationError as exc:
            errors += [
                DomainError(f"participants_file række {number}, {e.field}", e.message)
                for e in from_validation_error(exc).errors
            ]
    if errors:
        raise DomainErrors(errors)
    return people
