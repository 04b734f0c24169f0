"""Reading the job centre's data extract: the template's own XLSX, or the job centre's own
layout as CSV or XLSX with Danish headers in any common spelling.

The parser accepts all of a file or none of it: every problem is reported with its row (as
the spreadsheet numbers it), its column and the fix. Messages never repeat a provider
number, because a rejected upload's report is kept in workflow history.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import pandas as pd

from schemas.errors import DomainError, DomainErrors
from schemas.extract import (
    COLUMNS,
    MAX_BYTES,
    ExtractRow,
    JobcenterExtract,
    ParsedExtract,
    SkippedRow,
)
from schemas.spreadsheet import DELIMITERS, decode_text, is_xlsx, read_csv_rows, xlsx_rows

MAX_ROWS = 5000
SHEET = "Datatræk"
FIELD = "fil"

REQUIRED = ("ydernummer", "certificate_type", "received")
_NUMERIC = ("received", "requests", "median_days")
_HEADER_SEARCH = 15


def _fold(text: str) -> str:
    """'Median svartid (dage)' -> 'mediansvartiddage'; æ, ø, å spelled out like in mails."""
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
    ascii_text = unicodedata.normalize("NFKD", text.lower().translate(table))
    return re.sub(r"[^a-z0-9]", "", ascii_text.encode("ascii", "ignore").decode())


def column_of(header: object) -> str | None:
    """The field a header names, in the spellings Danish job centres use."""
    text = _fold(str(header or ""))
    if not text:
        return None
    if "yder" in text:
        return "ydernummer"
    if "svartid" in text or "median" in text:
        return "median_days"
    if "anmod" in text or "rekvi" in text:
        return "requests"
    if "modtag" in text or text in ("antal", "antalattester", "attester", "indsendte"):
        return "received"
    if "type" in text or "kode" in text or "blanket" in text or text.startswith("lae"):
        return "certificate_type"
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A spreadsheet's number, written the Danish way so '2.125' is never read as 2125.
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return " ".join(str(value).split())


def _header(rows: list[list[str]]) -> tuple[dict[str, int], int]:
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
            mapping: dict[str, list[int]] = {}
            for index, text in enumerate(texts):
                if (key := column_of(text)) is not None:
                    mapping.setdefault(key, []).append(index)
            if all(key in mapping for key in REQUIRED):
                doubled = [key for key, found in mapping.items() if len(found) > 1]
                if doubled:
                    names = ", ".join(COLUMNS[k] for k in doubled)
                    raise DomainError(
                        f"{FIELD}, række {start + span}",
                        f"flere kolonner betyder det samme ({names}) – slet de overflødige",
                    )
                return {key: found[0] for key, found in mapping.items()}, start + span
            if len(mapping) > len(best):
                best = {key: found[0] for key, found in mapping.items()}
    missing = ", ".join(COLUMNS[k] for k in REQUIRED if k not in best)
    raise DomainError(
        FIELD,
        f"kolonnen/kolonnerne {missing} mangler – overskrifterne skal være fx "
        + "; ".join(COLUMNS.values())
        + " (brug skabelonen fra mailen)",
    )


def _rows(data: bytes, filename: str) -> list[list[str]]:
    """The file as text cells, with the delimiter that finds the header."""
    if is_xlsx(data, filename):
        return [[_cell(v) for v in row] for row in xlsx_rows(data, FIELD, SHEET)]
    text = decode_text(data)
    candidates = []
    for delimiter in DELIMITERS:
        rows = [[_cell(v) for v in row] for row in read_csv_rows(text, delimiter, FIELD)]
        try:
            _header(rows)
        except DomainError:
            candidates.append(rows)
            continue
        return rows
    return candidates[0]


_TOTAL = re.compile(r"^(i ?alt|total|sum|samlet)\b", re.IGNORECASE)
_LAE = re.compile(r"^l\s*(?:æ|ae|a)\s*[-.]?\s*(\d{2,4})$", re.IGNORECASE)


def certificate_type(text: str) -> str:
    """'læ265', 'LAE-265', 'LÆ 265' -> 'LÆ 265'; any other name is kept as written."""
    match = _LAE.match(text.strip())
    return f"LÆ {match.group(1)}" if match else text.strip()


def _number_text(series: pd.Series[str]) -> pd.Series[str]:
    """Danish number text to what pandas reads: '1.234' -> '1234', '4,5' -> '4.5'."""
    cleaned = series.str.replace(r"\s", "", regex=True)
    thousands = cleaned.str.fullmatch(r"-?\d{1,3}(\.\d{3})+")
    cleaned = cleaned.where(~thousands, cleaned.str.replace(".", "", regex=False))
    return cleaned.str.replace(",", ".", regex=False)


def _problems(frame: pd.DataFrame, practices: set[str], types: set[str]) -> list[DomainError]:
    """Every problem, in the order a person reads the file: by row, then by column."""
    found: list[tuple[int, int, DomainError]] = []
    order = list(COLUMNS)

    def report(row: int, key: str, message: str) -> None:
        found.append((row, order.index(key), DomainError(f"række {row}, {COLUMNS[key]}", message)))

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
            report(row, "certificate_type", "mangler – skriv attesttypen, fx LÆ 265")
        elif len(kind) > 40:
            report(row, "certificate_type", "er for lang – højst 40 tegn, fx LÆ 265")
        elif types and kind not in types:
            known = sorted(types, key=lambda t: (len(t), t))
            report(
                row,
                "certificate_type",
                f"er ikke en attesttype, pakken kender – skriv LÆ-koden ({known[0]} til "
                f"{known[-1]}), fx LÆ 265",
            )
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
                f"samme ydernummer og attesttype som række {first} – læg tallene sammen i én række",
            )
    return [error for *_, error in sorted(found, key=lambda item: item[:2])]


def parse_extract(
    data: bytes, filename: str, practices: list[str], certificate_types: Sequence[str] = ()
) -> ParsedExtract:
    """The extract in ``data``, checked against the cluster's ``practices`` and the package's
    ``certificate_types`` (none: any). Raises
    DomainError/DomainErrors (and nothing else) for anything it cannot accept."""
    if not data.strip():
        raise DomainError(FIELD, "filen er tom – udfyld skabelonen fra mailen og send den igen")
    if len(data) > MAX_BYTES:
        raise DomainError(FIELD, "filen er større end 2 MB – send kun datatrækket")
    rows = _rows(data, filename)
    columns, first_data = _header(rows)
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
        records.append({"row": row_number, **{k: values.get(k, "") for k in COLUMNS}})
    if len(records) > MAX_ROWS:
        raise DomainError(FIELD, f"filen har over {MAX_ROWS} rækker – send kun datatrækket")
    frame = pd.DataFrame(records, columns=["row", *COLUMNS], dtype=object).fillna("")
    frame["ydernummer"] = frame["ydernummer"].astype(str).str.replace(r"\s", "", regex=True)
    frame["certificate_type"] = frame["certificate_type"].astype(str).map(certificate_type)
    for key in _NUMERIC:
        frame[key] = frame[key].astype(str)
        frame[f"{key}_value"] = pd.to_numeric(_number_text(frame[key]), errors="coerce")
    errors = _problems(frame, set(practices), {certificate_type(t) for t in certificate_types})
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
        raise DomainError(
            FIELD, "filen har ingen tal – udfyld mindst én række med modtagne attester"
        )
    return ParsedExtract(
        extract=JobcenterExtract(rows=extract_rows),
        filename=filename,
        rows_read=len(extract_rows),
        skipped=skipped,
        missing=[p for p in practices if p not in reported],
    )
