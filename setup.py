"""The one build step pyproject.toml cannot say: compile the translation catalogs into the wheel."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    """build_py, then every locale/*/LC_MESSAGES/*.po compiled to .mo next to the built package."""

    def run(self) -> None:
        super().run()
        spec = importlib.util.spec_from_file_location("_catalogs", HERE / "claude_tray/i18n/catalogs.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        locale = HERE / "claude_tray" / "i18n" / "locale"
        module.compile_catalogs(locale, Path(self.build_lib) / "claude_tray" / "i18n" / "locale")


setup(cmdclass={"build_py": BuildWithCatalogs})
