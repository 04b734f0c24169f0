"""Reading an order file (YAML) and its member list from disk into a validated OrderRequest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from schemas.errors import DomainError, from_validation_error
from schemas.member_list import parse_member_list
from schemas.minutes import Minutes
from schemas.order import OrderRequest


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
    data = read_yaml(path, "order")
    members_file = data.pop("members_file", None)
    if members_file is not None:
        if "members" in data:
            raise DomainError("members_file", "angiv enten members eller members_file, ikke begge")
        source = (path.parent / str(members_file)).resolve()
        if not source.is_file():
            raise DomainError(
                "members_file", f"filen {members_file} findes ikke ved siden af ordren"
            )
        data["members"] = [
            m.model_dump() for m in parse_member_list(source.read_bytes(), source.name)
        ]
    try:
        return OrderRequest.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def load_minutes(path: Path) -> Minutes:
    data = read_yaml(path, "minutes")
    try:
        return Minutes.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc) from None
