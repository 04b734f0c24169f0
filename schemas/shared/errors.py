"""The project's error hierarchy, and every failure type a workflow gives.

The CLI and the web app branch on these types, never on the words of a message; every
message is Danish, names the field and the fix, and carries no personal data (messages end
up in workflow history and logs). The classes defined here are the ones more than one layer
raises or catches; the few that belong to one adapter live beside it and are drawn here too
(with their module), so this tree is the whole of it:

    Exception
    ├── ValueError
    │   ├── DomainError ........ input that breaks a domain rule: ``field`` + Danish ``message``
    │   │   ├── LateOrder ...... the meeting is under 8 weeks away and no operator allowed it
    │   │   ├── CatalogError ... a package, course or cluster-year folder that cannot be used
    │   │   ├── FileTooLarge ... a spreadsheet past its limits (schemas/shared/spreadsheet.py)
    │   │   └── MailTemplateError  a mail template that cannot render (catalog/mail_templates)
    │   ├── DomainErrors ....... several DomainErrors of one input, reported together
    │   ├── UploadRefused ...... an upload the store does not take (storage/uploads.py)
    │   └── PayloadKeyError .... a payload key setting that cannot be used (client/payload_codec)
    ├── StepRejected ........... a workflow refused an Update: ``kind`` (a Failure) + message
    ├── UnknownOrder ........... no workflow with that id (an old or mistyped link or id)
    ├── WorkflowDied ........... the workflow someone waits on failed, was terminated, …
    ├── TemporalUnreachable .... the client cannot connect to Temporal
    ├── RuntimeError
    │   └── MessageBeingSent ... another attempt is sending this mail now: retried
    │                            (activities/mail_delivery.py)
    └── control flow inside one layer, never shown to a person: Cancelled (a workflow's wait
        ended by a cancel, workflows/kernel.py), UnknownLink, BodyTooLarge, LoginNeeded,
        NotAllowed (the web app's answers: 404, 413, a login, 403; web/), PageUnavailable
        (a page the demo's people retry, klyngepakke/demo/people.py)

A workflow tells its callers what went wrong by the ``type`` of the ApplicationError it
raises (``Failure``, below); the client turns those into StepRejected with the same kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import ValidationError


class Failure(StrEnum):
    """The ``type`` of every ApplicationError a workflow or activity raises on purpose."""

    # Update validators: the step cannot be taken now (out of order, closed, done before).
    STEP_REFUSED = "StepRefused"
    # An Update's input breaks a domain rule (the message names the field).
    INVALID_INPUT = "InvalidInput"
    # An answer after its survey round closed: the survey form shows its 410 page.
    ROUND_CLOSED = "RoundClosed"
    # An Update that would change nothing (the same answer again): taken as accepted.
    UNCHANGED = "Unchanged"
    # The order cannot be planned: too late without an operator, or otherwise invalid.
    LATE_ORDER = "LateOrder"
    INVALID_ORDER = "InvalidOrder"
    INVALID_COURSE = "InvalidCourse"
    # The worker's catalog lacks what the workflow names.
    UNKNOWN_PACKAGE = "UnknownPackage"
    UNKNOWN_COURSE = "UnknownCourse"
    UNKNOWN_CATALOG = "UnknownCatalog"
    # A render worker's catalog holds another version of the package: send it whole.
    PACKAGE_CHANGED = "PackageChanged"
    # A Signal or Update without the client's encrypted seal.
    UNSEALED_CALL = "UnsealedCall"


class DomainError(ValueError):
    """Input that breaks a domain rule. ``field`` is a dotted path, ``message`` Danish."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class LateOrder(DomainError):
    """The meeting is less than 8 weeks away and no operator allowed it."""


class CatalogError(DomainError):
    """A package folder (or course, cluster-year folder) that cannot be used."""


class DomainErrors(ValueError):
    """Several independent problems found in one input, reported together."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


class StepRejected(Exception):
    """A workflow refused an Update; ``message`` is the Danish reason to show, ``kind`` the
    refusal's Failure type (the survey form's 410 page is for ROUND_CLOSED)."""

    def __init__(self, message: str, kind: Failure | None = None) -> None:
        self.message = message
        self.kind = kind
        super().__init__(message)

    @property
    def closed(self) -> bool:
        return self.kind == Failure.ROUND_CLOSED


class UnknownOrder(Exception):
    def __init__(self, order_id: str) -> None:
        self.order_id = order_id
        super().__init__(f"ukendt ordre-id: {order_id}")


class WorkflowDied(Exception):
    """A workflow that ended failed, terminated, timed out or cancelled: nothing more will
    come of it, so whoever waits for it (the demo, a benchmark) stops and says why."""

    def __init__(self, workflow_id: str, status: str, failure: str) -> None:
        self.workflow_id = workflow_id
        self.status = status
        self.failure = failure
        super().__init__(f"{workflow_id} endte som {status}: {failure}")


class TemporalUnreachable(Exception):
    """The client could not connect to Temporal at ``address``."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(f"kan ikke forbinde til Temporal på {address}")


def failure_of(type_name: str | None) -> Failure | None:
    """The Failure an ApplicationError's type names (None for one raised by a library)."""
    try:
        return Failure(type_name) if type_name else None
    except ValueError:
        return None


# Said when the same answer is sent again (Failure.UNCHANGED, taken as accepted).
ANSWER_UNCHANGED = "Dit svar er gemt – det er det samme som før."


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
        raw = (err.get("ctx") or {}).get("error")
        if kind == "value_error" and isinstance(raw, DomainError):
            # A model's own rule names the field it is about (a question's "options").
            field = f"{field}.{raw.field}" if loc or prefix else raw.field
            message = raw.message
        elif kind in ("value_error", "assertion_error"):
            message = str(raw) if raw is not None else err["msg"]
        elif kind == "literal_error" or kind == "enum":
            expected = (err.get("ctx") or {}).get("expected", "")
            message = f"skal være en af: {expected}"
        else:
            message = _MESSAGES.get(kind, err["msg"])
        errors.append(DomainError(field, message))
    return DomainErrors(errors)
