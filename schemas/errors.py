"""The one domain error and the translation of pydantic errors into Danish field messages.

Every user-facing message is Danish and names the field plus the fix; none carries personal
data, because these messages can end up in workflow history and logs.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError


class DomainError(ValueError):
    """Input that breaks a domain rule. ``field`` is a dotted path, ``message`` Danish."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class DomainErrors(ValueError):
    """Several independent problems found in one input, reported together."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


_MESSAGES = {
    "missing": "mangler – tilføj feltet",
    "string_type": "skal være tekst",
    "int_type": "skal være et helt tal",
    "int_parsing": "skal være et helt tal",
    "bool_type": "skal være ja/nej (true/false)",
    "bool_parsing": "skal være ja/nej (true/false)",
    "datetime_type": "skal være dato og tid, fx 2027-03-03T16:00",
    "datetime_parsing": "skal være dato og tid, fx 2027-03-03T16:00",
    "datetime_from_date_parsing": "skal være dato og tid, fx 2027-03-03T16:00",
    "date_parsing": "skal være en dato, fx 2027-03-03",
    "date_from_datetime_parsing": "skal være en dato, fx 2027-03-03",
    "extra_forbidden": "er ikke et kendt felt – fjern det eller ret stavningen",
    "string_too_short": "må ikke være tom",
    "string_too_long": "er for lang",
    "list_type": "skal være en liste",
    "dict_type": "skal være en gruppe af felter",
    "model_type": "skal være en gruppe af felter",
    "too_short": "skal have mindst ét element",
    "greater_than_equal": "er for lille",
    "less_than_equal": "er for stor",
}


def _path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(input)"


def from_validation_error(exc: ValidationError, prefix: str = "") -> DomainErrors:
    """Turn pydantic's errors into Danish messages that name each field."""
    errors: list[DomainError] = []
    for err in exc.errors(include_url=False, include_input=False):
        # Tagged unions add the tag to loc; it means nothing to a coordinator.
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        field = _path([prefix, *loc] if prefix else loc)
        kind = err["type"]
        if kind in ("value_error", "assertion_error"):
            ctx = err.get("ctx") or {}
            raw = ctx.get("error")
            message = str(raw) if raw is not None else err["msg"]
        elif kind == "literal_error" or kind == "enum":
            expected = (err.get("ctx") or {}).get("expected", "")
            message = f"skal være en af: {expected}"
        else:
            message = _MESSAGES.get(kind, err["msg"])
        errors.append(DomainError(field, message))
    return DomainErrors(errors)


# The type of the refusal an answer gets once its survey round has closed: the pages tell it
# by this, not by the words of the Danish message.
ROUND_CLOSED = "RoundClosed"

# The type of the refusal an Update gets when it would change nothing (the same answer sent
# again): refused in the validator so the history stays as it was, and taken by the client as
# accepted, with the message saying so.
UNCHANGED = "Unchanged"
ANSWER_UNCHANGED = "Dit svar er gemt – det er det samme som før."
