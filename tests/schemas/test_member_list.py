"""Member lists as Danish Excel exports them."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from schemas.shared.errors import DomainError, DomainErrors
from schemas.shared.member_list import parse_member_list


def test_cp1252_semicolon_export_with_danish_letters():
    data = "Navn;E-mail;Ydernr.\r\nSøren Ærø;SOREN@example.dk;012345\r\n;;\r\n".encode("cp1252")
    [member] = parse_member_list(data, "medlemmer.csv")
    assert (member.name, member.email, member.ydernummer) == (
        "Søren Ærø",
        "soren@example.dk",
        "012345",
    )


def test_utf8_with_bom_and_commas():
    data = "\ufeffnavn,email,ydernummer\nÅse Øberg,aase@example.dk,023456\n".encode()
    assert parse_member_list(data, "m.csv")[0].name == "Åse Øberg"


def test_xlsx_where_excel_dropped_the_leading_zero():
    book = Workbook()
    sheet = book.active
    sheet.append(["Navn", "Email", "Ydernummer"])
    sheet.append(["Jens Hansen", "jens@example.dk", 12345])
    buffer = io.BytesIO()
    book.save(buffer)
    assert parse_member_list(buffer.getvalue(), "m.xlsx")[0].ydernummer == "012345"


def test_every_bad_row_is_reported_with_its_number():
    data = b"navn;email;ydernummer\nA;a@example.dk;012345\nB;ikke-mail;012345\nC;a@example.dk;1\n"
    with pytest.raises(DomainErrors) as refused:
        parse_member_list(data, "m.csv")
    fields = [e.field for e in refused.value.errors]
    assert "members_file række 3, email" in fields
    assert any(f.startswith("members_file række 4") for f in fields)


def test_missing_columns_are_named():
    with pytest.raises(DomainError, match="ydernummer"):
        parse_member_list(b"navn;email\nA;a@example.dk\n", "m.csv")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_no_input_crashes_the_parser(data):
    with contextlib.suppress(DomainError, DomainErrors):
        parse_member_list(data, "m.csv")
