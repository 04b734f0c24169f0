"""Make Office files byte-for-byte reproducible: fixed zip timestamps and core properties,
in the file and in the packages embedded in it.

python-docx and python-pptx stamp the current time into the zip entries and docProps;
with those fixed, the same context gives the same sha256.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

from renderers import thumbnail

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_STAMPS = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def normalise(data: bytes, stamp: str) -> bytes:
    """Rewrite the package with fixed entry times and ``stamp`` (ISO) as created/modified."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = set(source.namelist())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith((".xlsx", ".docx", ".pptx")):
                # Charts embed their data as a workbook, stamped with its own creation time.
                content = normalise(content, stamp)
            if info.filename.startswith(("ppt/", "word/")) and info.filename.endswith(".xml"):
                content = _danish(content)
            if info.filename == "xl/styles.xml":
                content = _fonts_in_schema_order(content)
            if info.filename == "docProps/thumbnail.jpeg":
                content = thumbnail.draw(_title(source), "ppt/presentation.xml" in names)
            if info.filename == "docProps/core.xml":
                content = _STAMPS.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
                content = re.sub(
                    rb"<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>",
                    b"<cp:lastModifiedBy>KiAP</cp:lastModifiedBy>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def _title(package: zipfile.ZipFile) -> str:
    """The document's title (docProps/core.xml), as text."""
    try:
        core = package.read("docProps/core.xml")
    except KeyError:
        return ""
    found = re.search(rb"<dc:title>([^<]*)</dc:title>", core)
    return html.unescape(found.group(1).decode("utf-8")) if found else ""


# CT_Font's children in the order the schema (ECMA-376, sml.xsd) requires; openpyxl writes
# colour before size, which the Open XML SDK validator reports as an error.
_FONT_ORDER = (
    *("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign"),
    *("sz", "color", "name", "family", "charset", "scheme"),
)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _fonts_in_schema_order(styles: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(styles)
    for font in root.iter(f"{_MAIN}font"):
        children = sorted(font, key=lambda child: _FONT_ORDER.index(etree.QName(child).localname))
        for child in children:
            font.append(child)  # moves it to the end, in order
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return written


# The templates python-pptx and python-docx start from say en-US: Word and PowerPoint would
# spell-check every Danish word as English, and a PDF made from them says /Lang en-US.
_ENGLISH = re.compile(rb'((?:\blang|<w:lang w:val|<c:lang val)=")en-US"')


def _danish(xml: bytes) -> bytes:
    return _ENGLISH.sub(rb'\g<1>da-DK"', xml)
