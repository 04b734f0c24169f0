"""Tables the benchmarks print, and bench/RESULTS.md they append to (machine and date)."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    return (
        f"{platform.node()}, {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def record(name: str, command: str, text: str) -> None:
    heading = f"\n## {name} · {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()}\n\n"
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(heading + f"`{command}`\n\n" + text + "\n")
