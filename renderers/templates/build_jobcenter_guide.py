"""Builds jobcenter_guide.docx, the docxtpl template of the job centre's guide.

The .docx is committed; rerun this after changing the wording:
    python -m renderers.templates.build_jobcenter_guide
Each Jinja tag sits in a single run (one add_paragraph/add_run call), as docxtpl needs.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt, RGBColor

TARGET = Path(__file__).with_name("jobcenter_guide.docx")
KIAP_BLUE = RGBColor(0x1F, 0x4E, 0x79)


def build(target: Path = TARGET) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    for level in (1, 2):
        doc.styles[f"Heading {level}"].font.color.rgb = KIAP_BLUE

    doc.add_heading("Drejebog til jobcenteret", level=1)
    doc.add_paragraph("Klyngemøde om attester i almen praksis og samarbejdet med jobcenteret")
    doc.add_paragraph(
        "{{ cluster }} i Region {{ region }} inviterer {{ municipality }} til et klyngemøde om"
        " LÆ-attester og samarbejdet mellem praksis og jobcenteret. Her er rammerne for mødet"
        " og for jobcenterets rolle."
    )

    doc.add_heading("Praktiske oplysninger", level=2)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Light List Accent 1"
    rows = [
        ("Klyngemødet", "{{ meeting_when }}"),
        ("Mødeform", "{{ meeting_mode }}"),
        ("Sted", "{{ meeting_place }}"),
        ("Klyngekoordinator", "{{ coordinator_name }} ({{ coordinator_email }})"),
        ("Kontakt fra KiAP", "{{ consultant_name }} ({{ consultant_email }})"),
        ("Første kontakt til jobcenteret", "{{ first_contact }}"),
        ("Formøde", "{{ premeeting }}"),
        ("Frist for datatræk", "{{ extract_due }}"),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value

    doc.add_heading("Jobcenterets rolle", level=2)
    for line in (
        "Deltage i et formøde med klyngen, hvor I gennemgår programmet og aftaler indholdet.",
        "Deltage i klyngemødet med en sagsbehandler og en oplægsholder – typisk en leder, der"
        " kan drøfte arbejdsgange og forbedringer.",
        "Holde to oplæg på mødet: et på 10 minutter og et på 20 minutter, fx om jobcenterets"
        " arbejdsgange, samarbejdsaftaler og jeres oplevelse af samarbejdet med almen praksis.",
    ):
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("Forberedelse af oplæggene", level=2)
    doc.add_paragraph("Indholdet aftales med klyngekoordinatoren. Vi foreslår, at I kommer ind på:")
    for line in (
        "Jeres kommentarer til lægernes svar i spørgeskemaet og forslag til løsninger.",
        "Et konkret tilbud til praksis, fx et direkte telefonnummer eller en praksiskonsulent.",
        "Sagsbehandlernes hverdag med attestanmodninger til almen praksis.",
        "Hvorfor anmodningerne stiller de spørgsmål, de gør.",
        "Hvad der gør en attest god for jobcenteret.",
    ):
        doc.add_paragraph(line, style="List Number")

    doc.add_heading("Data til mødet", level=2)
    doc.add_paragraph(
        "Vi beder jobcenteret om et datatræk for de {{ practices_count }} praksis (ydernumre)"
        " i klyngen, senest {{ extract_due }}. Tallene vises anonymiseret på mødet:"
    )
    for line in (
        "Antal LÆ-attester modtaget fra hvert ydernummer i det forgangne år, fordelt på"
        " attesttype.",
        "Antal attestanmodninger sendt fra jobcenteret til hvert ydernummer.",
        "Svartiden for attesterne (median i dage), hvis I kan trække den.",
        "Kontaktoplysninger på en ressourceperson eller praksiskonsulent, lægerne kan bruge.",
    ):
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("Programmet for klyngemødet", level=2)
    program = doc.add_table(rows=1, cols=3)
    program.style = "Light List Accent 1"
    header = program.rows[0].cells
    header[0].text, header[1].text, header[2].text = "Tid", "Punkt", "Ansvarlig"
    row = program.add_row().cells
    row[0].text = "{%tr for item in program %}"
    row = program.add_row().cells
    row[0].text = "{{ item.time }}"
    row[1].text = "{{ item.title }}"
    row[2].text = "{{ item.responsible }}"
    row = program.add_row().cells
    row[0].text = "{%tr endfor %}"

    doc.add_heading("Klyngens ønsker", level=2)
    for line in (
        "Et formøde før klyngemødet, hvor indholdet aftales nærmere.",
        "Åbenhed over for, at kommune og almen praksis ser attestarbejdet forskelligt.",
        "At lægernes svar i spørgeskemaet er udgangspunkt for dialogen.",
        "At mødet ender med konkrete, nedskrevne aftaler, som der kan følges op på.",
    ):
        doc.add_paragraph(line, style="List Bullet")
    doc.add_paragraph("{%p if notes %}")
    doc.add_paragraph("Fra samtalen med KiAP: {{ notes }}")
    doc.add_paragraph("{%p endif %}")

    doc.add_heading("Efter mødet", level=2)
    for line in (
        "Et opfølgende møde med klyngens bestyrelse, hvor arbejdsgangen eller samarbejdsmodellen"
        " skrives ned.",
        "Emnet kan tages op i det kommunalt-lægelige udvalg (KLU).",
    ):
        doc.add_paragraph(line, style="List Bullet")
    doc.core_properties.author = "KiAP"
    doc.core_properties.title = "Drejebog til jobcenteret"
    doc.save(str(target))


if __name__ == "__main__":
    build()
