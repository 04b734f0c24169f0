"""Reading job-centre extracts: realistic files with their exact result or report, and
property tests that nothing but the validation error ever comes out of the parser."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import renderers
from activities.extract_file import parse_extract
from catalog import Catalog
from schemas.order.extract import ExtractRow
from schemas.shared.errors import DomainError, DomainErrors
from tests.renderers.test_documents import source

FILES = Path(__file__).resolve().parent / "extract_files"
PRACTICES = ["012345", "067890"]
# The certificates package's extract, and the same with any type allowed.
SPEC = Catalog().package("attester-i-almen-praksis").extract
assert SPEC is not None
ANY_TYPE = SPEC.model_copy(update={"codes": [], "certificates": []})


def rows(path: str) -> list[tuple]:
    parsed = parse_extract((FILES / path).read_bytes(), path, PRACTICES, ANY_TYPE)
    return [
        (r.ydernummer, r.certificate_type, r.received, r.requests, r.median_days)
        for r in parsed.extract.rows
    ]


def problems(data: bytes, name: str = "fil.csv") -> list[str]:
    with pytest.raises((DomainError, DomainErrors)) as caught:
        parse_extract(data, name, PRACTICES, ANY_TYPE)
    exc = caught.value
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [f"{e.field}: {e.message}" for e in errors]


def test_danish_excel_semicolon_export_in_cp1252():
    assert rows("excel-semikolon-cp1252.csv") == [
        ("012345", "LÆ 265", 14, 16, 9.5),
        ("012345", "LÆ 285", 3, 3, 12.0),
        ("067890", "LÆ 265", 22, 25, 6.5),
    ]


def test_utf8_with_bom_comma_separated_and_quoted_decimal_commas():
    assert rows("utf8-bom-komma.csv") == [
        ("012345", "LÆ 265", 14, 16, 9.5),
        ("067890", "LÆ 265", 22, None, 6.0),
    ]


def test_title_blank_lines_total_row_and_note_are_passed_over_and_reported():
    parsed = parse_extract(
        (FILES / "titel-sumraekke-note.csv").read_bytes(), "x.csv", PRACTICES, ANY_TYPE
    )
    assert [(r.ydernummer, r.received) for r in parsed.extract.rows] == [
        ("012345", 14),
        ("067890", 22),
    ]
    assert [(s.row, s.reason) for s in parsed.skipped] == [
        (7, "sumrække"),
        (8, "tekst uden tal"),
    ]


def test_header_split_over_two_lines_by_merged_cells():
    assert rows("flettede-overskrifter.csv") == [
        ("012345", "LÆ 265", 14, 16, 9.5),
        ("067890", "LÆ 265", 22, 25, 6.5),
    ]


def test_tab_separated_with_thousands_separator_and_only_required_columns():
    assert rows("tabulator-tusindtal.txt") == [
        ("012345", "LÆ 265", 1204, None, None),
        ("067890", "LÆ 265", 22, None, None),
    ]


def test_a_practice_left_empty_is_not_given_not_zero():
    parsed = parse_extract(
        (FILES / "en-praksis-ikke-udfyldt.csv").read_bytes(), "x.csv", PRACTICES, ANY_TYPE
    )
    assert [r.ydernummer for r in parsed.extract.rows] == ["012345"]
    assert parsed.missing == ["067890"]
    assert [(s.row, s.reason) for s in parsed.skipped] == [(3, "ingen tal udfyldt")]


def test_every_error_is_reported_by_row_column_and_fix_without_the_provider_number():
    assert problems((FILES / "med-fejl.csv").read_bytes()) == [
        "række 2, Modtagne attester: må ikke være negativ",
        "række 3, Ydernummer: hører ikke til en praksis i klyngen – ret nummeret, eller slet"
        " rækken",
        "række 4, Modtagne attester: skal være et tal – fjern tekst og enheder fra cellen",
        "række 5, Attesttype (LÆ-kode): mangler – skriv typen, fx LÆ 265",
        "række 6, Ydernummer: er ikke et ydernummer – det skal være 6 cifre",
        "række 7, Modtagne attester: skal være et helt tal",
        "række 7, Median svartid (dage): må ikke være negativ",
        "række 8, Attesttype (LÆ-kode): samme ydernummer og type som række 2 – læg"
        " tallene sammen i én række",
    ]


def test_a_missing_column_names_the_column_and_the_template():
    (message,) = problems((FILES / "mangler-kolonne.csv").read_bytes())
    assert message.startswith("fil: kolonnen/kolonnerne Modtagne attester mangler")
    assert "brug skabelonen fra mailen" in message


def test_the_template_filled_in_is_read_back_exactly():
    src = source()
    template = renderers.get("extract_template")
    data = template.render(template.context(src)).content
    book = load_workbook(io.BytesIO(data))
    sheet = book["Datatræk"]
    sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"] = "LÆ 265", 14, 16, 9.5
    sheet["B3"], sheet["C3"] = "LÆ 265", 0
    sheet["A4"], sheet["B4"], sheet["C4"] = "012345", "LÆ 285", 3  # an added row
    out = io.BytesIO()
    book.save(out)
    parsed = parse_extract(out.getvalue(), "datatraek-skabelon.xlsx", src.order.practices, ANY_TYPE)
    assert [
        (r.ydernummer, r.certificate_type, r.received, r.requests, r.median_days)
        for r in parsed.extract.rows
    ] == [
        ("012345", "LÆ 265", 14, 16, 9.5),
        ("067890", "LÆ 265", 0, None, None),
        ("012345", "LÆ 285", 3, None, None),
    ]
    assert parsed.missing == []


def test_the_job_centres_own_workbook_with_numbers_as_numbers():
    book = Workbook()
    sheet = book.active
    sheet.title = "Ark1"
    sheet.append(["Attester modtaget 2025-26"])
    sheet.append([])
    sheet.append(["Ydernummer", "LÆ blanket", "Antal", "Anmodninger", "Svartid median"])
    # Excel turned the provider numbers into numbers and dropped the leading zero.
    sheet.append([12345, "LÆ 265", 14, 16, 2.125])
    sheet.append([67890, "LÆ 265", 22.0, 25, 6])
    sheet.append(["I alt", None, 36, 41, None])
    out = io.BytesIO()
    book.save(out)
    parsed = parse_extract(out.getvalue(), "udtraek.xlsx", PRACTICES, ANY_TYPE)
    assert [(r.ydernummer, r.received, r.median_days) for r in parsed.extract.rows] == [
        ("012345", 14, 2.1),
        ("067890", 22, 6.0),
    ]
    assert [(s.row, s.reason) for s in parsed.skipped] == [(6, "sumrække")]


def test_empty_broken_and_huge_files_get_a_message():
    assert problems(b"") == ["fil: filen er tom – udfyld skabelonen fra mailen og send den igen"]
    assert problems(b"PK\x03\x04 not really a workbook", "x.xlsx") == [
        "fil: kan ikke læses som XLSX – gem filen igen fra Excel"
    ]
    assert problems(b"a" * (2 * 1024 * 1024 + 1)) == [
        "fil: filen er større end 2 MB – send kun datatrækket"
    ]
    only_header = b"Ydernummer;Attesttype;Modtagne attester\r\n"
    assert problems(only_header) == [
        "fil: filen har ingen tal – udfyld mindst én række med modtagne attester"
    ]


# ---- property tests ------------------------------------------------------------------

HEADER = "Ydernummer;Attesttype;Modtagne attester;Anmodninger sendt;Median svartid (dage)"
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["x.csv", "x.xlsx", "x.txt"]))
def test_arbitrary_bytes_give_only_the_validation_error(data, name):
    with contextlib.suppress(DomainError, DomainErrors):
        parse_extract(data, name, PRACTICES, ANY_TYPE)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(cells, min_size=0, max_size=7), max_size=12),
    st.sampled_from([";", ",", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_adversarial_cells_under_a_good_header_give_only_the_validation_error(
    table, delimiter, encoding
):
    text = HEADER.replace(";", delimiter) + "\n"
    text += "\n".join(delimiter.join(row) for row in table)
    data = text.encode(encoding, errors="replace")
    try:
        parsed = parse_extract(data, "x.csv", PRACTICES, ANY_TYPE)
    except (DomainError, DomainErrors) as exc:
        errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
        assert all(e.field and e.message for e in errors)
        return
    assert all(r.ydernummer in PRACTICES and r.received >= 0 for r in parsed.extract.rows)


rows_strategy = st.lists(
    st.builds(
        ExtractRow,
        ydernummer=st.sampled_from(PRACTICES),
        certificate_type=st.sampled_from(["LÆ 265", "LÆ 285", "LÆ 125", "LÆ 145"]),
        received=st.integers(0, 5000),
        requests=st.none() | st.integers(0, 5000),
        median_days=st.none() | st.floats(0, 365).map(lambda f: round(f, 1)),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda r: (r.ydernummer, r.certificate_type),
)


def _danish(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(value).replace(".", ",")


@settings(max_examples=150, deadline=None)
@given(rows_strategy)
def test_what_is_written_the_danish_way_is_read_back_exactly(extract_rows):
    lines = [HEADER] + [
        ";".join(
            [
                r.ydernummer,
                r.certificate_type,
                str(r.received),
                _danish(r.requests),
                _danish(r.median_days),
            ]
        )
        for r in extract_rows
    ]
    parsed = parse_extract("\r\n".join(lines).encode("cp1252"), "x.csv", PRACTICES, ANY_TYPE)
    assert parsed.extract.rows == extract_rows


def test_the_template_lists_each_practice_once_with_validated_cells():
    src = source()
    template = renderers.get("extract_template")
    data = template.render(template.context(src)).content
    book = load_workbook(io.BytesIO(data))
    sheet = book["Datatræk"]
    assert [c.value for c in sheet[1]] == [
        "Ydernummer",
        "Attesttype (LÆ-kode)",
        "Modtagne attester",
        "Anmodninger sendt",
        "Median svartid (dage)",
    ]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == ["012345", "067890", None]
    rules = {
        str(v.sqref): (v.type, v.operator, v.formula1)
        for v in sheet.data_validations.dataValidation
    }
    assert rules["C2:D303"] == ("whole", "greaterThanOrEqual", "0")
    assert rules["E2:E303"] == ("decimal", "greaterThanOrEqual", "0")
    kind, _, allowed = rules["B2:B303"]
    # Exactly the municipal certificates the package gives a source for.
    offered = allowed.strip('"').split(",")
    assert offered == ["LÆ 125", "LÆ 135", "LÆ 145", "LÆ 225", "LÆ 265", "LÆ 285"]
    assert kind == "list" and all(SPEC.certificate(code).source for code in offered)
    guide = [row[0] for row in book["Vejledning"].iter_rows(values_only=True)]
    assert "Modtagne attester" in guide and "Frist" in guide
    explained = dict(book["Vejledning"].iter_rows(values_only=True))
    assert explained["LÆ 265"] == "Rehabiliteringsattest (anmodning på LÆ 261)"
    assert explained["LÆ 285"].endswith("det nu er frivilligt at anvende attesten.")
    # Printed: A4, one page wide, the headings on every page; every wrapped guide row tall
    # enough for its lines (LibreOffice drew them on top of each other).
    for page in (sheet, book["Vejledning"]):
        assert str(page.page_setup.paperSize) == page.PAPERSIZE_A4
        assert page.sheet_properties.pageSetUpPr.fitToPage and page.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1"
    vejledning = book["Vejledning"]
    for number, (_label, text) in enumerate(vejledning.iter_rows(values_only=True), start=1):
        if number > 1 and text and len(text) > 90:
            assert vejledning.row_dimensions[number].height >= 30, text
    # Rendered twice, the same bytes: the template's hash names its version.
    assert data == template.render(template.context(src)).content


def test_a_certificate_type_the_package_does_not_know_is_refused_by_row():
    data = (
        "Ydernr.;LÆ-kode;Antal modtagne attester\n"
        "012345;læ265;4\n"
        "012345;LÆ 999;2\n"
        '067890;=HYPERLINK("http://evil.example","x");1\n'
    ).encode()
    with pytest.raises(DomainErrors) as caught:
        parse_extract(data, "fil.csv", PRACTICES, SPEC)
    found = [f"{e.field}: {e.message}" for e in caught.value.errors]
    assert [line.split(":")[0] for line in found] == [
        "række 3, Attesttype (LÆ-kode)",
        "række 4, Attesttype (LÆ-kode)",
    ]
    assert "er ikke en type, pakken kender" in found[0] and "LÆ 125 til LÆ 285" in found[0]
    # The known one, however it is written, is read; without a list any name is.
    good = parse_extract(data.split(b"\n012345;L")[0] + b"\n", "fil.csv", PRACTICES, SPEC)
    assert [r.certificate_type for r in good.extract.rows] == ["LÆ 265"]
    assert parse_extract(data, "fil.csv", PRACTICES, ANY_TYPE).rows_read == 3
