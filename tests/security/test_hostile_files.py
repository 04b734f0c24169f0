"""The files people write, fed arbitrary and adversarial content: the examples with any field
replaced, deleted or nested wrongly, and plain garbage. Only the project's validation error
may come out, and it names a field and says something."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klyngepakke.config import PROJECT_ROOT
from klyngepakke.order_file import load_course_file, load_minutes, load_order, load_questions
from schemas.shared.errors import DomainError, DomainErrors
from schemas.shared.member_list import parse_member_list

EXAMPLES = PROJECT_ROOT / "examples"
SIDE_FILES = ("medlemmer.csv", "deltagere.csv")

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(["", "2027-02-30T16:00", "../../etc/passwd", "a\x00b", "ø" * 300, "-1"])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def mutate(data: Any, where: tuple, value: Any, delete: bool) -> Any:
    if not where:
        return value
    parent = data
    for step in where[:-1]:
        parent = parent[step]
    if delete and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    return data


def must_refuse_clearly(load: Callable[[Path], Any], text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in SIDE_FILES:
            (Path(folder) / name).write_bytes((EXAMPLES / name).read_bytes())
        path = Path(folder) / "fil.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load(path)
        except DomainError as exc:
            assert exc.field and exc.message, exc
        except DomainErrors as exc:
            assert exc.errors and all(e.field and e.message for e in exc.errors), exc


LOADERS = {
    "order.yaml": load_order,
    "referat.yaml": load_minutes,
    "spoergsmaal.yaml": load_questions,
    "kursus.yaml": load_course_file,
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(LOADERS)), st.data())
def test_an_example_with_any_field_changed_or_removed_gives_only_a_named_error(name, data):
    example = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths(example)))
        example = mutate(example, where, data.draw(values), data.draw(st.booleans()))
    must_refuse_clearly(LOADERS[name], yaml.safe_dump(example, allow_unicode=True))


@pytest.mark.parametrize("name", ["x\x00.csv", "ø" * 300, ".", "findes-ikke.csv"])
def test_an_order_naming_an_unreadable_member_list_gets_a_named_error(name, tmp_path):
    """Found by a random run of the property test above: a NUL byte or a too long name
    raised OSError or ValueError instead."""
    example = yaml.safe_load((EXAMPLES / "order.yaml").read_text(encoding="utf-8"))
    example.pop("members", None)
    example["members_file"] = name
    path = tmp_path / "ordre.yaml"
    path.write_text(yaml.safe_dump(example, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        load_order(path)
    assert refused.value.field == "members_file"
    assert "samme mappe som ordren" in refused.value.message


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(LOADERS)), st.text(max_size=300) | values.map(yaml.safe_dump))
def test_garbage_in_place_of_a_file_gives_only_a_named_error(name, text):
    must_refuse_clearly(LOADERS[name], text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600) | st.text(max_size=400).map(lambda t: t.encode("cp1252", "replace")))
def test_a_member_list_of_any_bytes_gives_only_a_named_error(content):
    for filename in ("medlemmer.csv", "medlemmer.xlsx"):
        try:
            parse_member_list(content, filename)
        except DomainError as exc:
            assert exc.field and exc.message
        except DomainErrors as exc:
            assert all(e.field and e.message for e in exc.errors)
