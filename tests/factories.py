"""Orders, answers and minutes for tests, dated relative to a given 'now'."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from schemas.order.minutes import Agreement, FollowUpChoices, Minutes
from schemas.order.request import OrderRequest
from schemas.package.model import SurveyTemplate
from schemas.shared.business_days import add_business_days, on_or_after
from schemas.shared.copenhagen import COPENHAGEN
from schemas.survey.answers import SurveyResponse

MEMBERS = [
    {"name": "Søren Ærø", "email": "soren@example.dk", "ydernummer": "012345"},
    {"name": "Åse Øberg", "email": "aase@example.dk", "ydernummer": "012345"},
    {"name": "Jens Hansen", "email": "jens@example.dk", "ydernummer": "067890"},
]


def fixed_now() -> datetime:
    return datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)


def order_data(now: datetime, weeks: float = 9, **changes: Any) -> dict[str, Any]:
    local = now.astimezone(COPENHAGEN)
    # A day's margin keeps the lead above ``weeks`` whatever the time of day.
    meeting_day = on_or_after(local.date() + timedelta(weeks=weeks) + timedelta(days=1))
    call_day = add_business_days(local.date(), 2)
    data: dict[str, Any] = {
        "package": "attester-i-almen-praksis",
        "cluster": {"name": "Klynge Aalborg Øst", "region": "Nordjylland"},
        "coordinator": {"name": "Mette Holm", "email": "mette@example.dk"},
        "consultant": {"name": "Christian Kiap", "email": "konsulent@example.dk"},
        "members": MEMBERS,
        "municipality": {
            "name": "Aalborg Kommune",
            "jobcenter_contact": {"name": "Jobcenter Aalborg", "email": "jc@example.dk"},
        },
        "meeting": {
            "start": datetime.combine(meeting_day, time(16, 0), COPENHAGEN).isoformat(),
            "mode": "fysisk",
            "location": "Lægehuset, mødelokale 2",
        },
        "call_at": datetime.combine(call_day, time(10, 0), COPENHAGEN).isoformat(),
    }
    data.update(changes)
    return data


def make_order(now: datetime, weeks: float = 9, **changes: Any) -> OrderRequest:
    return OrderRequest.model_validate(order_data(now, weeks, **changes))


def responses(template: SurveyTemplate) -> list[SurveyResponse]:
    """Three respondents; counts a reader can check by hand."""
    del template
    return [
        SurveyResponse(
            answers={
                "kendskab": "I høj grad",
                "samarbejde": "Godt",
                "fungerer_godt": "Hurtigt svar på telefonen",
                "udfordringer": ["Korte svarfrister"],
            }
        ),
        SurveyResponse(
            answers={
                "kendskab": "I høj grad",
                "samarbejde": "Dårligt",
                "fungerer_godt": "",
                "udfordringer": ["Korte svarfrister", "Uklare spørgsmål i anmodningen"],
            }
        ),
        SurveyResponse(
            answers={
                "kendskab": "Ved ikke",
                "samarbejde": "Godt",
                "fungerer_godt": "Fast kontaktperson",
                "udfordringer": [],
            }
        ),
    ]


def minutes(meeting_day: date) -> Minutes:
    return Minutes(
        minute_taker="Åse Øberg",
        participants=14,
        agreements=[
            Agreement(
                text="Fast telefontid for sagsbehandlere",
                owner="Jobcenteret",
                due=meeting_day + timedelta(days=30),
            )
        ],
        follow_up=FollowUpChoices(board_meeting=True, klu=True, contact_person="Mette Holm"),
    )


def extract_csv(rows: list[tuple[str, str, str, str, str]] | None = None) -> bytes:
    """The job centre's own CSV export, as Danish Excel saves it (cp1252, ';', decimal
    comma). By default both practices of MEMBERS report LÆ 265 and LÆ 285."""
    rows = rows or [
        ("012345", "LÆ 265", "14", "16", "9,5"),
        ("012345", "LÆ 285", "3", "3", "12"),
        ("067890", "LÆ 265", "22", "25", "6,5"),
    ]
    lines = ["Ydernr.;Attesttype;Antal modtagne;Anmodninger;Median svartid (dage)"]
    lines += [";".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
