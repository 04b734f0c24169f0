"""The cost benchmark's meter: CPU read from /proc counts a process's busy descendants."""

from __future__ import annotations

import os
import subprocess
import sys

from bench.cpu import cpu_seconds, descendants

BUSY = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"


def test_a_busy_child_is_found_below_its_parent_and_charged_to_it():
    """A parent that only waits is charged for the child that works (as a render worker is
    for its LibreOffice)."""
    child = subprocess.Popen([sys.executable, "-c", BUSY + "import time; time.sleep(30)"])
    try:
        before = cpu_seconds(os.getpid())
        while cpu_seconds(child.pid) < 0.25:
            if child.poll() is not None:
                raise AssertionError("the child ended before it had burnt its CPU")
        assert child.pid in descendants(os.getpid())
        assert cpu_seconds(os.getpid()) >= before + 0.25
    finally:
        child.kill()
        child.wait()
