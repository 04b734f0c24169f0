"""Builds jobcenter_guide.docx, the docxtpl template of the job centre's guide.

The .docx is committed; rerun this after changing the wording:
    python -m renderers.templates.build_jobcenter_guide
Each Jinja tag sits in a single run (one add_paragraph/add_run call), as docxtpl needs.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Cm, Pt, RGBColor

from renderers.house_colours import BLUE
from renderers.templates.table_widths import fixed_widths

TARGET = Path(__file__).with_name("jobcenter_guide.docx")
KIAP_BLUE = RGBColor.from_string(BLUE)


def build(target: Path = TARGET) -> None:
    doc = Document()
    # A4, as every other document (python-docx starts from US Letter).
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
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
    fixed_widths(table, (6.5, 10.5))

    doc.add_heading("Jobcenterets rolle", level=2)
    doc.add_paragraph(
        "Med jobcenterets deltagelse skaber mødet rum for faglig sparring og idéudveksling og"
        " styrker i sidste ende det lokale tværfaglige samarbejde til gavn for den enkelte"
        " patient og borger. Jobcenteret bedes:"
    )
    for line in (
        "Deltage i et formøde med klyngen for at gennemgå programmet og forberede mødet.",
        "Deltage i klyngemødet med en sagsbehandler eller lignende og en oplægsholder – typisk"
        " en leder, der kan indgå i drøftelser om arbejdsgange og forbedringstiltag.",
        "Holde to oplæg på mødet, på 10 og 20 minutter, der bl.a. kan handle om jobcenterets"
        " arbejdsgange, samarbejdsaftaler og kommunens egen oplevelse af samarbejdet med almen"
        " praksis og forslag til forbedringer.",
    ):
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("Forberedelse af oplæggene", level=2)
    doc.add_paragraph(
        "En stor del af mødet er sat af til jobcenterets oplæg og en fælles dialog med de"
        " praktiserende læger, så det er en god idé, at jobcenterets repræsentanter har"
        " forberedt sig. Indholdet kan aftales med klyngekoordinatoren inden mødet; vi"
        " foreslår, at I kommer ind på:"
    )
    for number, line in (
        (
            "1.",
            "Kommentarer til resultaterne af lægernes spørgeskema og eventuelle forslag til"
            " løsninger på nogle af de problemer, lægerne beskriver.",
        ),
        (
            "2.",
            "Har jobcenteret et konkret tiltag til de praktiserende læger, der kan hjælpe med"
            " attestarbejdet? Fx et direkte telefonnummer med hjælp til attestarbejdet eller en"
            " ressourceperson eller praksiskonsulent, som den enkelte praksis kan trække på.",
        ),
        ("3.", "Overvej emner, som vil være relevante for lægerne at vide, fx:"),
    ):
        paragraph = doc.add_paragraph(f"{number}\t{line}")
        paragraph.paragraph_format.left_indent = Cm(0.75)
        paragraph.paragraph_format.first_line_indent = Cm(-0.75)
    for letter, line in (
        (
            "a.",
            "Hvordan er sagsbehandlernes dagligdag, når det gælder attestanmodninger til almen"
            " praksis?",
        ),
        ("b.", "Hvorfor stiller I de spørgsmål i anmodningen, som I gør?"),
        ("c.", "Hvad gør en attest god for jobcenteret?"),
    ):
        paragraph = doc.add_paragraph(f"{letter}\t{line}")
        paragraph.paragraph_format.left_indent = Cm(1.5)
        paragraph.paragraph_format.first_line_indent = Cm(-0.75)

    doc.add_heading("Data og materiale til mødet", level=2)
    doc.add_paragraph(
        "Data, der viser omfanget af attestarbejdet i klyngen, giver lægerne et overblik over,"
        " hvor stor en del af deres arbejde der handler om attester. Vi beder derfor jobcenteret"
        " om et datatræk for klyngens {{ practices_count }} praksis (ydernumre), senest"
        " {{ extract_due }}, i den vedhæftede skabelon. Tallene vises anonymiseret på mødet –"
        " hver praksis med et bogstav, aldrig med ydernummer:"
    )
    for line in (
        "Antal udfyldte LÆ-attester modtaget fra hvert ydernummer i det forgangne år, fordelt"
        " på attesttype.",
        "Antal attestanmodninger sendt fra jobcenteret til hvert ydernummer.",
        "Svartiden for attesterne (median i dage), hvis I kan trække den.",
    ):
        doc.add_paragraph(line, style="List Bullet")
    doc.add_paragraph(
        "Og til lægerne: kontaktoplysninger på en ressourceperson, en praksiskonsulent eller"
        " andet, der kan hjælpe dem med attestarbejdet, når de har brug for det."
    )

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
    fixed_widths(program, (3.5, 9.0, 4.5))

    doc.add_heading("Klyngens ønsker", level=2)
    for line in (
        "Et formøde før klyngemødet, hvor indholdet aftales nærmere.",
        "Åbenhed over for, at kommune og almen praksis ser attestarbejdet forskelligt.",
        "At lægernes svar i spørgeskemaet er udgangspunkt for dialogen.",
        "At mødet ender med konkrete, nedskrevne aftaler, som der kan følges op på.",
    ):
        doc.add_paragraph(line, style="List Bullet")

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
