"""How a mail that did not reach everyone is told to a person, in Danish (the course's and the
cluster's logs; the order says which of its mails: schemas/order/status.py)."""

from __future__ import annotations


def undelivered_text(mail: str, recipients: int, code: int | None, login_refused: bool) -> str:
    answer = f" ({code})" if code else ""
    if login_refused:
        return (
            f"Mailen '{mail}' blev ikke sendt: mailserveren afviste login{answer}. Drift skal "
            "rette adgangen til mailserveren."
        )
    people = f"{recipients} modtager" + ("e" if recipients != 1 else "")
    return f"Mailen '{mail}' nåede ikke frem til {people}{answer} – ret adressen."
