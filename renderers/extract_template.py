"""The job centre's extract template (XLSX): one row per practice with its provider number
filled in, validated number cells, and a sheet that explains each column in Danish."""

from __future__ import annotations

import io
import math
from typing import ClassVar, get_args

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from renderers.house_colours import PALE
from renderers.office_zip import normalise
from renderers.registry import RenderedDocument, register
from schemas.order.documents import DocumentSource
from schemas.order.steps import Step
from schemas.package.process import ExtractField, ExtractSpec
from schemas.shared.danish_format import date_long
from schemas.shared.spreadsheet import neutral

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Datatræk"
# Room below the pre-filled rows for practices with several certificate types.
SPARE_ROWS = 300
_HEADER_FILL = PatternFill("solid", fgColor=PALE)


# The guide's text column is 90 characters wide; a wrapped line of 11-point text is 15 points.
_CHARS_PER_LINE = 85
_POINTS_PER_LINE = 15


def _print_on_a4(sheet: Worksheet, grid: bool) -> None:
    """Printed on A4, as wide as the page and as long as it takes (with the cells' grid where
    there are cells to fill in)."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_options.gridLines = grid


# The sheet's columns, A to E, in the fields' order (the data validations are by letter).
LAYOUT: tuple[ExtractField, ...] = get_args(ExtractField)


class ExtractTemplateContext(BaseModel):
    cluster: str
    municipality: str
    due: str
    practices: list[str]
    spec: ExtractSpec
    stamp: str


def _number_rule(kind: str, title: str, prompt: str) -> DataValidation:
    return DataValidation(
        type=kind,
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=prompt,
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
    )


def _type_rule(spec: ExtractSpec) -> DataValidation:
    """The package's types as a drop-down (the upload checks the same list)."""
    types = spec.types
    # An input message's title is at most 32 characters (Excel's limit).
    title = spec.label("certificate_type")[:32]
    prompt = f"Fx {spec.type_example}. Én række pr. type."
    if not types:
        return DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1="40",
            allow_blank=True,
            showInputMessage=True,
            promptTitle=title,
            prompt=prompt,
        )
    return DataValidation(
        type="list",
        formula1='"' + ",".join(types) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=f"Vælg typen på listen ({types[0]} til {types[-1]}).",
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
    )


_COLUMNS_HEADING = ("Kolonne", "Forklaring")
# The types' heading: the type column's own label (the package's word), and a neutral one.
_TYPE_TEXT = "Hvad den er"


def _certificate_lines(spec: ExtractSpec) -> list[tuple[str, str]]:
    """The types the list offers, by name and request form, with what the package must say
    of each (LÆ 285 is voluntary now)."""
    lines: list[tuple[str, str]] = []
    for code in spec.types:
        cert = spec.certificate(code)
        if cert is None:
            continue
        text = cert.name
        if cert.request_form:
            text += f" (anmodning på {cert.request_form})"
        if cert.note:
            text += f". {cert.note}"
        lines.append((code, text))
    return [("", ""), _types_heading(spec), *lines] if lines else []


def _types_heading(spec: ExtractSpec) -> tuple[str, str]:
    return (spec.label("certificate_type"), _TYPE_TEXT)


class ExtractTemplate:
    kind: ClassVar[str] = "extract_template"

    def context(self, source: DocumentSource) -> ExtractTemplateContext:
        spec = source.package.extract
        if spec is None:
            raise ValueError(f"pakken '{source.package.id}' har intet datatræk")
        return ExtractTemplateContext(
            cluster=source.order.cluster.name,
            municipality=source.order.partner.name,
            due=date_long(source.timeline.due[Step.PARTNER]),
            practices=source.order.practices,
            spec=spec,
            stamp=source.timeline.planned_at.date().isoformat() + "T00:00:00Z",
        )

    def render(self, context: ExtractTemplateContext) -> RenderedDocument:
        book = Workbook()
        book.properties.creator = "KiAP"
        sheet = book.active
        assert sheet is not None
        sheet.title = SHEET
        spec = context.spec
        sheet.append([spec.label(key) for key in LAYOUT])
        for cell in sheet[1]:
            # The workbook's own font named: without it LibreOffice sets the headings in a serif.
            cell.font = Font(name="Calibri", bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for ydernummer in context.practices:
            sheet.append([neutral(ydernummer)])
            # Text, so a provider number with a leading zero keeps it.
            sheet.cell(row=sheet.max_row, column=1).number_format = "@"
        last = 1 + len(context.practices) + SPARE_ROWS
        widths = (16, 22, 18, 18, 22)
        for column, width in zip("ABCDE", widths, strict=True):
            sheet.column_dimensions[column].width = width
        # The headings wrap; their row's height is written, as the guide's rows are, for a
        # spreadsheet that does not measure it on opening (LibreOffice drew them over row 2).
        sheet.row_dimensions[1].height = _POINTS_PER_LINE * max(
            math.ceil(len(str(cell.value or "")) / (width - 3))
            for cell, width in zip(sheet[1], widths, strict=False)
        )
        sheet.freeze_panes = "A2"
        whole = _number_rule("whole", "Helt tal", "Skriv et helt tal, 0 eller derover.")
        decimal = _number_rule(
            "decimal", "Antal dage", "Skriv antal dage, 0 eller derover (decimaler er tilladt)."
        )
        code = _type_rule(spec)
        for rule, cells in (
            (code, f"B2:B{last}"),
            (whole, f"C2:D{last}"),
            (decimal, f"E2:E{last}"),
        ):
            sheet.add_data_validation(rule)
            rule.add(cells)

        guide = book.create_sheet("Vejledning")
        guide.column_dimensions["A"].width = 26
        guide.column_dimensions["B"].width = 90
        lines: list[tuple[str, str]] = [
            (f"Datatræk til klyngemødet med {context.cluster}", ""),
            ("", ""),
            (
                "Hvad",
                f"{context.municipality} {spec.what}",
            ),
            ("Frist", context.due),
            (
                "Sådan",
                f"Udfyld arket '{SHEET}', og upload filen via linket i mailen fra KiAP. Står en "
                "praksis ikke i jeres system, så lad rækken stå tom: den vises som 'ikke "
                "oplyst' – ikke som 0.",
            ),
            (
                "Anonymt",
                "Tallene vises anonymiseret på klyngemødet (Praksis A, B, …). Ydernumrene "
                "kommer ikke med i PowerPointen eller uddelingskopierne.",
            ),
            ("", ""),
            _COLUMNS_HEADING,
            *((spec.label(key), spec.columns[key].help) for key in LAYOUT),
            *_certificate_lines(spec),
        ]
        for label, text in lines:
            guide.append([label, text])
            if (label, text) in (_COLUMNS_HEADING, _types_heading(spec)):
                for cell in guide[guide.max_row]:
                    cell.font = Font(bold=True)
                    cell.fill = _HEADER_FILL
        guide["A1"].font = Font(bold=True, size=14)
        for number, row in enumerate(guide.iter_rows(min_row=2), start=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            # A wrapped row needs its height written: a spreadsheet that does not measure it on
            # opening (LibreOffice, and every print) draws the lines on top of the next row.
            text = str(row[1].value or "")
            guide.row_dimensions[number].height = _POINTS_PER_LINE * max(
                1, math.ceil(len(text) / _CHARS_PER_LINE)
            )
        _print_on_a4(sheet, grid=True)
        _print_on_a4(guide, grid=False)
        sheet.print_title_rows = "1:1"  # the column headings on every printed page

        buffer = io.BytesIO()
        book.save(buffer)
        return RenderedDocument(
            filename="datatraek-skabelon.xlsx",
            media_type=XLSX,
            content=normalise(buffer.getvalue(), context.stamp),
        )


register(ExtractTemplate())
