"""What is kept about people, and for how long: one table, read by the privacy notice
(/privatliv) and written out in README.md ("Retention"). A period is printed only where the
system enforces it; what is not deleted yet says so, and how to have it deleted (issue 38)."""

from __future__ import annotations

from pydantic import BaseModel


class Kept(BaseModel):
    what: str
    how_long: str


def retention_table(history_days: int) -> list[Kept]:
    """In Danish, as the notice shows it; ``history_days`` is the namespace's retention."""
    return [
        Kept(
            what="Bestillingens forløb (navne, e-mailadresser, trin og beskeder)",
            how_long=f"{history_days} dage efter, at forløbet er afsluttet; så slettes det",
        ),
        Kept(
            what="Dokumenterne til mødet og jobcenterets datatræk",
            how_long="Slettes ikke automatisk endnu – skriv til KiAP, så sletter vi dem",
        ),
        Kept(
            what="Klyngens samlede svar i landstallene (uden navne)",
            how_long="Fjernes straks, hvis bestillingen annulleres, eller klyngen fravælger det",
        ),
    ]
