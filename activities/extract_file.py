"""Reading the partner's data extract: the template's own XLSX, or the partner's own layout
as CSV or XLSX with Danish headers in any spelling the package's ``extract.columns`` name.

The parser accepts all of a file or none of it: every problem is reported with its row (as
the spreadsheet numbers it), its column and the fix. Messages never repeat a provider
number, because a rejected upload's report is kept in workflow history.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, get_args

import pandas as pd

from schemas.order.extract import MAX_BYTES, ExtractRow, JobcenterExtract, ParsedExtract, SkippedRow
from schemas.package.process import ExtractField, ExtractSpec
from schemas.shared.errors import DomainError, DomainErrors
from schemas.shared.spreadsheet import DELIMITERS, decode_text, is_xlsx, read_csv_rows, xlsx_rows

MAX_ROWS = 5000
SHEET = "Datatræk"
FIELD = "fil"

REQUIRED: tuple[ExtractField, ...] = ("ydernummer", "certificate_type", "received")
FIELDS: tuple[ExtractField, ...] = get_args(ExtractField)
_NUMERIC: tuple[ExtractField, ...] = ("received", "requests", "median_days")
_HEADER_SEARCH = 15


def _fold(text: str) -> str:
    """'Median svartid (dage)' -> 'mediansvartiddage'; æ, ø, å spelled out like in mails."""
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
    ascii_text = unicodedata.normalize("NFKD", text.lower().translate(table))
    return re.sub(r"[^a-z0-9]", "", ascii_text.encode("ascii", "ignore").decode())


def column_of(header: object, spec: ExtractSpec) -> ExtractField | None:
    """The field a header names: its own label, or a spelling the package lists for it (the
    first column in the package's order that matches)."""
    text = _fold(str(header or ""))
    if not text:
        return None
    for key, column in spec.columns.items():
        if (
            text == _fold(column.label)
            or any(_fold(word) in text for word in column.contains)
            or text in {_fold(word) for word in column.equals}
            or any(text.startswith(_fold(word)) for word in column.starts)
        ):
            return key
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A spreadsheet's number, written the Danish way so '2.125' is never read as 2125.
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return " ".join(str(value).split())


def _header(rows: list[list[str]], spec: ExtractSpec) -> tuple[dict[str, int], int]:
    """Column positions and the index of the first data row. A header may be one row or two
    (a merged title cell above, or units below); the first that names the required columns
    wins."""
    best: dict[str, int] = {}
    for start in range(min(_HEADER_SEARCH, len(rows))):
        for span in (1, 2):
            lines = rows[start : start + span]
            if len(lines) < span:
                continue
            width = max(len(line) for line in lines)
            texts = [
                " ".join(line[i] if i < len(line) else "" for line in lines) for i in range(width)
            ]
            mapping: dict[ExtractField, list[int]] = {}
            for index, text in enumerate(texts):
                if (key := column_of(text, spec)) is not None:
                    mapping.setdefault(key, []).append(index)
            if all(key in mapping for key in REQUIRED):
                doubled = [key for key, found in mapping.items() if len(found) > 1]
                if doubled:
                    names = ", ".join(spec.label(k) for k in doubled)
                    raise DomainError(
                        f"{FIELD}, række {start + span}",
                        f"flere kolonner betyder det samme ({names}) – slet de overflødige",
                    )
                return {key: found[0] for key, found in mapping.items()}, start + span
            if len(mapping) > len(best):
                best = {key: found[0] for key, found in mapping.items()}
    missing = ", ".join(spec.label(k) for k in REQUIRED if k not in best)
    raise DomainError(
        FIELD,
        f"kolonnen/kolonnerne {missing} mangler – overskrifterne skal være fx "
        + "; ".join(spec.label(k) for k in FIELDS)
        + " (brug skabelonen fra mailen)",
    )


def _rows(data: bytes, filename: str, spec: ExtractSpec) -> list[list[str]]:
    """The file as text cells, with the delimiter that finds the header."""
    if is_xlsx(data, filename):
        return [[_cell(v) for v in row] for row in xlsx_rows(data, FIELD, SHEET)]
    text = decode_text(data)
    candidates = []
    for delimiter in DELIMITERS:
        rows = [[_cell(v) for v in row] for row in read_csv_rows(text, delimiter, FIELD)]
        try:
            _header(rows, spec)
        except DomainError:
            candidates.append(rows)
            continue
        return rows
    return candidates[0]


_TOTAL = re.compile(r"^(i ?alt|total|sum|samlet)\b", re.IGNORECASE)


def _number_text(series: pd.Series[str]) -> pd.Series[str]:
    """Danish number text to what pandas reads: '1.234' -> '1234', '4,5' -> '4.5'."""
    cleaned = series.str.replace(r"\s", "", regex=True)
    thousands = cleaned.str.fullmatch(r"-?\d{1,3}(\.\d{3})+")
    cleaned = cleaned.where(~thousands, cleaned.str.replace(".", "", regex=False))
    return cleaned.str.replace(",", ".", regex=False)


def _problems(frame: pd.DataFrame, practices: set[str], spec: ExtractSpec) -> list[DomainError]:
    """Every problem, in the order a person reads the file: by row, then by column."""
    found: list[tuple[int, int, DomainError]] = []
    types = {spec.code(t) for t in spec.types}
    example = spec.type_example

    def report(row: int, key: ExtractField, message: str) -> None:
        where = f"række {row}, {spec.label(key)}"
        found.append((row, FIELDS.index(key), DomainError(where, message)))

    for row, yder in zip(frame["row"], frame["ydernummer"], strict=True):
        if not yder:
            report(row, "ydernummer", "mangler – skriv praksis' ydernummer (6 cifre)")
        elif not re.fullmatch(r"\d{5,6}", yder):
            report(row, "ydernummer", "er ikke et ydernummer – det skal være 6 cifre")
        elif yder.zfill(6) not in practices:
            report(
                row,
                "ydernummer",
                "hører ikke til en praksis i klyngen – ret nummeret, eller slet rækken",
            )
    for row, kind in zip(frame["row"], frame["certificate_type"], strict=True):
        if not kind:
            report(row, "certificate_type", f"mangler – skriv typen, fx {example}")
        elif len(kind) > 40:
            report(row, "certificate_type", f"er for lang – højst 40 tegn, fx {example}")
        elif types and kind not in types:
            known = sorted(types, key=lambda t: (len(t), t))
            report(
                row,
                "certificate_type",
                f"er ikke en type, pakken kender – skriv en af typerne ({known[0]} til "
                f"{known[-1]}), fx {example}",
            )
    key: ExtractField
    for key in _NUMERIC:
        text = frame[key]
        numbers = frame[f"{key}_value"]
        for row, raw, value in zip(frame["row"], text, numbers, strict=True):
            if not raw:
                if key == "received":
                    report(row, key, "mangler – skriv antallet (0, hvis der ingen var)")
                continue
            if pd.isna(value):
                report(row, key, "skal være et tal – fjern tekst og enheder fra cellen")
            elif value < 0:
                report(row, key, "må ikke være negativ")
            elif key != "median_days" and not float(value).is_integer():
                report(row, key, "skal være et helt tal")
            elif value > (3650 if key == "median_days" else 1_000_000):
                report(row, key, "er urealistisk stor – tjek cellen")
    keyed = frame.assign(
        yder=frame["ydernummer"].str.zfill(6), kind=frame["certificate_type"].str.upper()
    )
    first_row = keyed.groupby(["yder", "kind"])["row"].transform("min")
    for row, first in zip(keyed["row"], first_row, strict=True):
        if row != first:
            report(
                row,
                "certificate_type",
                f"samme ydernummer og type som række {first} – læg tallene sammen i én række",
            )
    return [error for *_, error in sorted(found, key=lambda item: item[:2])]


def parse_extract(
    data: bytes, filename: str, practices: list[str], spec: ExtractSpec
) -> ParsedExtract:
    """The extract in ``data``, read with the package's column names (``spec``) and checked
    against the cluster's ``practices`` and the package's types (none listed: any). Raises
    DomainError/DomainErrors (and nothing else) for anything it cannot accept."""
    if not data.strip():
        raise DomainError(FIELD, "filen er tom – udfyld skabelonen fra mailen og send den igen")
    if len(data) > MAX_BYTES:
        raise DomainError(FIELD, "filen er større end 2 MB – send kun datatrækket")
    rows = _rows(data, filename, spec)
    columns, first_data = _header(rows, spec)
    skipped: list[SkippedRow] = []
    records: list[dict[str, Any]] = []
    for index in range(first_data, len(rows)):
        row_number = index + 1
        line = rows[index]
        values = {k: (line[i] if i < len(line) else "") for k, i in columns.items()}
        if not any(line):
            continue
        if any(_TOTAL.match(cell) for cell in line if cell):
            skipped.append(SkippedRow(row=row_number, reason="sumrække"))
            continue
        figures = [values.get(k, "") for k in _NUMERIC]
        if not any(figures) and not values.get("certificate_type"):
            template_row = re.fullmatch(r"\d{5,6}", values["ydernummer"].replace(" ", ""))
            reason = "ingen tal udfyldt" if template_row else "tekst uden tal"
            skipped.append(SkippedRow(row=row_number, reason=reason))
            continue
        records.append({"row": row_number, **{k: values.get(k, "") for k in FIELDS}})
    if len(records) > MAX_ROWS:
        raise DomainError(FIELD, f"filen har over {MAX_ROWS} rækker – send kun datatrækket")
    frame = pd.DataFrame(records, columns=["row", *FIELDS], dtype=object).fillna("")
    frame["ydernummer"] = frame["ydernummer"].astype(str).str.replace(r"\s", "", regex=True)
    frame["certificate_type"] = frame["certificate_type"].astype(str).map(spec.code)
    for key in _NUMERIC:
        frame[key] = frame[key].astype(str)
        frame[f"{key}_value"] = pd.to_numeric(_number_text(frame[key]), errors="coerce")
    errors = _problems(frame, set(practices), spec)
    if errors:
        raise DomainErrors(errors)
    extract_rows = [
        ExtractRow(
            ydernummer=record.ydernummer.zfill(6),
            certificate_type=record.certificate_type,
            received=int(record.received_value),
            requests=None if pd.isna(record.requests_value) else int(record.requests_value),
            median_days=None
            if pd.isna(record.median_days_value)
            else round(float(record.median_days_value), 1),
        )
        for record in frame.itertuples(index=False)
    ]
    reported = {row.ydernummer for row in extract_rows}
    if not extract_rows:
        counted = spec.label("received").lower()
        raise DomainError(FIELD, f"filen har ingen tal – udfyld mindst én række med {counted}")
    return ParsedExtract(
        extract=JobcenterExtract(rows=extract_rows),
        filename=filename,
        rows_read=len(extract_rows),
        skipped=skipped,
        missing=[p for p in practices if p not in reported],
    )
