"""Reading the files people write: an order (YAML) with its member list, minutes, and a
course (YAML) with its participant list, into validated models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from schemas.cluster.input import ClusterInput
from schemas.cluster.refusals import refuse_members
from schemas.course.participants import parse_participants
from schemas.course.request import CourseRequest
from schemas.order.minutes import Minutes
from schemas.order.request import OrderRequest
from schemas.package.model import SurveyTemplate
from schemas.shared.errors import DomainError, from_validation_error
from schemas.shared.member_list import parse_member_list


def read_yaml(path: Path, what: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DomainError(what, f"filen {path} findes ikke") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DomainError(what, f"filen er ikke gyldig YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DomainError(what, "filen skal indeholde felter (nøgle: værdi)")
    return data


def load_order(path: Path) -> OrderRequest:
    data = _with_members(read_yaml(path, "order"), path, "ordren")
    try:
        return OrderRequest.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def load_questions(path: Path) -> SurveyTemplate:
    data = read_yaml(path, "questions")
    try:
        return SurveyTemplate.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def load_minutes(path: Path) -> Minutes:
    data = read_yaml(path, "minutes")
    try:
        return Minutes.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def load_course_file(path: Path) -> CourseRequest:
    data = read_yaml(path, "course")
    participants_file = data.pop("participants_file", None)
    if participants_file is not None:
        data["participants"] = [
            p.model_dump()
            for p in parse_participants(
                *_read_beside(path, participants_file, "participants_file", "kursusfilen")
            )
        ]
    try:
        return CourseRequest.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def _read_beside(path: Path, name: object, field: str, beside: str) -> tuple[bytes, str]:
    """The list a file names in ``field`` (members, participants), read from its folder."""
    try:
        source = (path.parent / str(name)).resolve()
        return source.read_bytes(), source.name
    except (OSError, ValueError):  # missing, a folder, unreadable, a NUL byte, too long a name
        raise DomainError(
            field,
            f"filen {str(name)[:80]!r} kan ikke læses – skriv navnet på en CSV- eller XLSX-fil, "
            f"der ligger i samme mappe som {beside}",
        ) from None


def load_cluster_file(path: Path) -> ClusterInput:
    """A cluster from YAML: name and region, coordinator, and the members (or members_file)."""
    data = _with_members(read_yaml(path, "cluster"), path, "klyngen")
    try:
        inp = ClusterInput.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    refusal = refuse_members(inp.members)
    if refusal is not None:
        field, _, message = refusal.partition(": ")
        raise DomainError(field, message)
    return inp


def _with_members(data: dict[str, Any], path: Path, beside: str) -> dict[str, Any]:
    """The members written in the file, or read from the CSV/XLSX its members_file names."""
    members_file = data.pop("members_file", None)
    if members_file is not None:
        if "members" in data:
            raise DomainError("members_file", "angiv enten members eller members_file, ikke begge")
        data["members"] = [
            m.model_dump()
            for m in parse_member_list(*_read_beside(path, members_file, "members_file", beside))
        ]
    return data
