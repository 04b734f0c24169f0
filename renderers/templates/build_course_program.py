"""Builds course_program.docx, the docxtpl template of the course program (seed 002's table
in the project's own words).

The .docx is committed; rerun this after changing the wording:
    python -m renderers.templates.build_course_program
Each Jinja tag sits in a single run (one add_paragraph/add_run call), as docxtpl needs.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt, RGBColor

from renderers.house_colours import BLUE
from renderers.templates.table_widths import fixed_widths

TARGET = Path(__file__).with_name("course_program.docx")
KIAP_BLUE = RGBColor.from_string(BLUE)


def build(target: Path = TARGET) -> None:
    doc = Document()
    section = doc.sections[0]
    # Landscape: five columns with the purpose written out.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    for level in (1, 2):
        doc.styles[f"Heading {level}"].font.color.rgb = KIAP_BLUE

    doc.add_heading("{{ title }}", level=1)
    doc.add_paragraph("{{ municipality }} · {{ when }} · {{ mode }}: {{ place }}")
    doc.add_paragraph(
        "Undervisere: {{ jobcenter_teacher }} (jobcenteret) og {{ consultant_teacher }}"
        " (kommunal praksiskonsulent)"
    )
    doc.add_heading("Læringsmål", level=2)
    doc.add_paragraph("{%p for goal in learning_goals %}")
    doc.add_paragraph("{{ goal }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")

    doc.add_heading("Program", level=2)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Light List Accent 1"
    for cell, text in zip(
        table.rows[0].cells, ("Tid", "Slides", "Aktivitet", "Formål", "Ansvarlig"), strict=True
    ):
        cell.text = text
    # The header row repeats on every page the program runs over.
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    row = table.add_row().cells
    row[0].text = "{%tr for row in rows %}"
    row = table.add_row().cells
    for cell, text in zip(
        row,
        (
            "{{ row.time }}",
            "{{ row.slides }}",
            "{{ row.activity }}",
            "{{ row.purpose }}",
            "{{ row.responsible }}",
        ),
        strict=True,
    ):
        cell.text = text
    # An item is never cut in two by a page break.
    table.rows[-1]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    # Seed 002's remarks to the teachers, under the purpose when the item has any.
    purpose = row[3]
    purpose.add_paragraph("{%p if row.remarks %}")
    remark = purpose.add_paragraph()
    remark.add_run("Bemærk: ").bold = True
    remark.add_run("{{ row.remarks }}").italic = True
    purpose.add_paragraph("{%p endif %}")
    row = table.add_row().cells
    row[0].text = "{%tr endfor %}"
    fixed_widths(table, (3.0, 1.6, 6.0, 11.6, 4.4))

    doc.add_paragraph("{%p if cases %}")
    doc.add_heading("Cases til gruppearbejdet", level=2)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p for case in cases %}")
    doc.add_paragraph("{{ case }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.core_properties.author = "KiAP"
    doc.save(str(target))


if __name__ == "__main__":
    build()
