"""A stand-in for macOS ``/usr/bin/security``: a real executable script, run as a real subprocess.

It answers ``find-generic-password -s SERVICE -a ACCOUNT -w`` from a JSON file next to it,
exits 44 when the item is missing (like the real tool), and records every argv it was given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_SCRIPT = """#!{python}
import json, pathlib, sys
here = pathlib.Path(__file__).parent
args = sys.argv[1:]
with (here / "calls.jsonl").open("a") as log:
    log.write(json.dumps(args) + "\\n")
items = json.loads((here / "items.json").read_text())
if items.get("__exit__"):
    sys.stderr.write("security: User interaction is not allowed.\\n")
    sys.exit(items["__exit__"])
if args[:1] != ["find-generic-password"] or "-w" not in args:
    sys.exit(2)
key = args[args.index("-s") + 1] + "|" + args[args.index("-a") + 1]
if key not in items:
    sys.stderr.write("security: SecKeychainSearchCopyNext: The specified item could not be found.\\n")
    sys.exit(44)
sys.stdout.write(items[key] + "\\n")
"""


class FakeSecurity:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.dir = directory
        self.path = directory / "security"
        self.path.write_text(_SCRIPT.format(python=sys.executable))
        self.path.chmod(0o755)
        self._items: dict[str, object] = {}
        self._save()

    def put(self, service: str, account: str, value: str) -> None:
        self._items[f"{service}|{account}"] = value
        self._save()

    def fail_with(self, status: int) -> None:
        self._items["__exit__"] = status
        self._save()

    def calls(self) -> list[list[str]]:
        log = self.dir / "calls.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def state(self) -> str:
        return (self.dir / "items.json").read_text()

    def _save(self) -> None:
        (self.dir / "items.json").write_text(json.dumps(self._items))
