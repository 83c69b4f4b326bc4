"""Starting and stopping the desktop parts (Xvfb, buses, trays) by PID, in one place.

Used by the desktop fixtures, the footprint benchmark and ``packaging/make_screenshot.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

__all__ = ["Process", "announce_display", "missing", "start_xvfb", "stop_process"]

Process = subprocess.Popen[bytes] | subprocess.Popen[str]


def stop_process(proc: Process | None, timeout: float = 3.0) -> None:
    """Terminate by PID, kill after ``timeout``, close the pipes. Never by name."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def missing(*executables: str) -> list[str]:
    """The executables not on PATH (callers skip or exit with them)."""
    return [name for name in executables if not shutil.which(name)]


def start_xvfb(args: list[str], env: Mapping[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on the lowest free display (``-displayfd``: no guessing, parallel-safe)."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), *args],
        pass_fds=(write_end,),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    number = b""
    try:
        while not number.endswith(b"\n"):
            chunk = os.read(read_end, 16)
            if not chunk:
                stop_process(proc)
                raise RuntimeError("Xvfb exited before printing its display number")
            number += chunk
    finally:
        os.close(read_end)
    return proc, ":" + number.decode().strip()


def announce_display(env: Mapping[str, str] | None = None) -> None:
    """Let D-Bus-activated services (prompters, notification daemons) see the display."""
    subprocess.run(
        ["dbus-update-activation-environment", "DISPLAY"], env=env, check=False, capture_output=True
    )
