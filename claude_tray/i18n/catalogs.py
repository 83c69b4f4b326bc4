"""Compile the translation catalogs (``.po`` -> ``.mo``) with Babel; run at build time.

``setup.py`` calls :func:`compile_catalogs` into the wheel's build tree, ``tests/run`` (and the
test suite's conftest) into the source tree for an editable install:
``python -m claude_tray.i18n.catalogs``. The ``.mo`` files are build products, never committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["compile_catalogs"]

HERE = Path(__file__).resolve().parent / "locale"


def compile_catalogs(source: Path = HERE, target: Path | None = None) -> list[Path]:
    """Every ``<lang>/LC_MESSAGES/*.po`` under ``source`` compiled to the same path under
    ``target`` (default: next to it); returns the ``.mo`` files written. A fuzzy entry is left
    out, as ``msgfmt`` does, so the English source shows instead of a guess."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = (target or source) / po.relative_to(source).with_suffix(".mo")
        with po.open("rb") as handle:
            catalog = read_po(handle)
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        sys.stdout.write(f"{path}\n")
