"""The user's language: gettext for every sentence a person reads, Babel for numbers, money and
dates. English is the source text and the fallback.

The language follows ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` (stdlib gettext's
order), else the OS's preferred language on macOS and Windows, where desktop apps rarely get
those variables. The catalogs live in ``locale/<lang>/LC_MESSAGES/claude-tray.po`` next to this
module and are compiled to ``.mo`` at build time (:mod:`claude_tray.i18n.catalogs`).

Only a language with a catalog changes anything: then text is translated and numbers, money
and clock times are formatted by Babel for that locale. Without one (English, ``C``, or a
language nobody translated yet) the output is exactly the English source, formatted as it
always was, and Babel is never imported.

``claude-tray statusline`` (run by Claude Code on every turn) never imports this module: its
short line stays English.

>>> with use("de"):
...     _("no data"), percent(41.5), money(1234.5, "EUR")
('keine Daten', '42\\xa0%', '1.234,50\\xa0€')
>>> _("no data"), percent(41.5)
('no data', '42%')
"""

from __future__ import annotations

import gettext
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "clock",
    "language",
    "money",
    "ngettext",
    "percent",
    "use",
    "use_translations",
]

DOMAIN = "claude-tray"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("de", "es", "fr", "ja", "pt_BR", "zh_CN")  # the catalogs shipped (tests check each)
_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_SCRIPTS = {"zh_Hans": "zh_CN", "zh_Hant": "zh_TW"}  # macOS names Chinese by script, gettext by region


class _State:
    """The translation in use (resolved on first use) and its Babel locale (None: English)."""

    translations: gettext.NullTranslations | None = None
    locale: str | None = None


def _requested() -> list[str] | None:
    """The languages asked for by the environment (None: let the OS say)."""
    for var in _ENV:
        value = os.environ.get(var)
        if value:
            return [v for v in value.split(":") if v]
    return None


def _os_languages() -> list[str]:
    """The desktop's preferred language where no locale variable is set (macOS, Windows)."""
    platform: str = sys.platform  # a plain str: every branch is type-checked on every OS
    if platform == "win32":
        import ctypes

        buffer = ctypes.create_unicode_buffer(85)
        if getattr(ctypes, "windll").kernel32.GetUserDefaultLocaleName(buffer, len(buffer)):  # noqa: B009
            return [buffer.value.replace("-", "_")]
        return []
    if platform == "darwin":
        import subprocess

        try:  # ("de-DE", "en-US") as a plist array; a missing key or tool means English
            done = subprocess.run(
                ["/usr/bin/defaults", "read", "-g", "AppleLanguages"],
                capture_output=True,
                text=True,
                timeout=2,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return []
        words = (w.strip(' \n",()').replace("-", "_") for w in done.stdout.split(","))
        return [_SCRIPTS.get(w[:7], w) for w in words if w]
    return []


def _load(languages: list[str] | None) -> gettext.NullTranslations:
    """The catalog for the first of ``languages`` that has one (``C`` or none: English)."""
    wanted = languages if languages is not None else (_requested() or _os_languages())
    try:
        return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=wanted or ["en"], fallback=True)
    except OSError:  # a damaged .mo: English rather than no program
        return gettext.NullTranslations()


def _activate(translations: gettext.NullTranslations) -> None:
    _State.translations = translations
    if type(translations) is gettext.NullTranslations:
        _State.locale = None
    else:
        _State.locale = translations.info().get("language") or None


def _translations() -> gettext.NullTranslations:
    if _State.translations is None:
        _activate(_load(None))
    assert _State.translations is not None
    return _State.translations


def _(message: str) -> str:
    """``message`` in the user's language (the English source when there is no translation).
    The empty string stays empty (gettext would answer with the catalog's header)."""
    return _translations().gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the user's language."""
    return _translations().ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 (gettext's name for "mark for extraction only")
    """Marks a string for the catalog without translating it yet (tables read at import time)."""
    return message


def language() -> str | None:
    """The catalog language in use ("de", "pt_BR"), or None for English."""
    _translations()
    return _State.locale


@contextmanager
def use(lang: str | None) -> Iterator[None]:
    """Within the block, speak ``lang`` ("en": the English source; None: re-read the
    environment). For output that must not follow the locale (``--json``) and for tests.
    Process-wide: not for the tray's threads."""
    with use_translations(_load([lang] if lang else None)):
        yield


@contextmanager
def use_translations(translations: gettext.NullTranslations) -> Iterator[None]:
    """Within the block, translate with ``translations`` (its ``Language`` header, if any,
    picks the number and date formats)."""
    saved = (_State.translations, _State.locale)
    _activate(translations)
    try:
        yield
    finally:
        _State.translations, _State.locale = saved


# ----------------------------------------------------------------------------- formatting


def percent(value: float | None) -> str:
    """Whole percent, rounded half up ("42%", German "42 %"); unknown is "?" (never "0%")."""
    if value is None or not math.isfinite(value):
        return "?"
    whole = math.floor(value + 0.5)
    locale = language()
    if locale is None:
        return f"{whole}%"
    from babel.numbers import format_percent

    return str(format_percent(whole / 100, locale=locale))


_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money(amount: float, currency: str) -> str:
    """ "$1,234.50", "¥500", "12.00 CHF"; in German "1.234,50 €" (Babel's currency patterns)."""
    code = currency.upper()
    locale = language()
    if locale is None:
        symbol = _SYMBOLS.get(code)
        decimals = 0 if code == "JPY" else 2
        return f"{symbol}{amount:,.{decimals}f}" if symbol else f"{amount:,.{decimals}f} {code}"
    from babel.numbers import format_currency

    return str(format_currency(amount, code, locale=locale))


def clock(local: datetime, form: str) -> str:
    """A local time as "14:30" (``form`` "time"), "Fri 14:30" ("weekday") or "2 Dec 15:40"
    ("date"), in the user's locale's own order and names."""
    locale = language()
    if locale is None:
        if form == "time":
            return local.strftime("%H:%M")
        if form == "weekday":
            return local.strftime("%a %H:%M")
        return f"{local.day} {local.strftime('%b %H:%M')}"
    from babel.dates import format_skeleton

    naive = local.replace(tzinfo=None)
    time = str(format_skeleton("Hm", naive, locale=locale))
    if form == "time":
        return time
    day = format_skeleton("E" if form == "weekday" else "MMMd", naive, locale=locale)
    return f"{day} {time}"
