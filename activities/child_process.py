"""Processes this one starts and must not outlive it (a Temporal dev server, a LibreOffice)."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any


def _die_with_parent() -> None:
    """Run in the child before exec: Linux sends it SIGTERM when the thread that started it
    dies, also by SIGKILL, so nothing is left holding ports or a LibreOffice profile."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def child(
    command: list[str],
    log_file: Any,
    env: dict[str, str] | None = None,
    own_group: bool = False,
) -> subprocess.Popen[bytes]:
    """``own_group``: in a process group of its own, so that it and everything it starts can
    be ended together (``os.killpg``)."""
    linux = sys.platform.startswith("linux")
    return subprocess.Popen(
        command,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=env,
        preexec_fn=_die_with_parent if linux else None,
        start_new_session=own_group,
    )
