"""The privacy notice (``/privatliv``, GDPR art. 13), linked from every page's footer and
every mail's: who holds what about a person, why, how long, and whom to ask. Only what the
seeds and the system say; what KiAP has not given (its legal basis, a data protection
officer) is not printed (README.md, "Retention")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from schemas.shared.links import PRIVACY_PATH
from schemas.shared.retention import retention_table
from web.deps import ConfigDep, PagesDep

router = APIRouter()


@router.get(PRIVACY_PATH, response_class=HTMLResponse)
async def privacy(request: Request, pages: PagesDep, config: ConfigDep) -> Any:
    return pages.page(
        request, "privacy.html", 200, kept=retention_table(config.history_retention_days)
    )
