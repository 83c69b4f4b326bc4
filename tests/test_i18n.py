"""The user's language: every sentence people read goes through gettext, every catalog is complete.

* The ``.pot`` is what ``pybabel extract`` finds in the code today (a string marked since is not
  in any catalog yet), and every shipped catalog translates every entry: no missing, empty or
  fuzzy one, and the same ``{placeholders}`` as the English.
* A *pseudo* language wraps every translated string in ⟦...⟧; the menu, ``status`` text, the
  waybar line, notifications and doctor are rendered with it, and any English word left
  outside the brackets (apart from the data: account names, paths, versions) is a sentence
  nobody marked.
* German, for real: the menu from ``build_view`` and ``claude-tray status`` in a subprocess
  against the loopback server read differently from English, with German numbers, while
  ``status --json`` stays byte-for-byte English.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
import sys
from dataclasses import fields, is_dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from claude_tray import i18n
from claude_tray.errors import RateLimited, TokenExpired, TransientApiError
from claude_tray.i18n import _
from claude_tray.model import (
    AccountStatus,
    BreakdownRow,
    Dollars,
    ExtraUsage,
    Health,
    SourceKind,
    StatusChange,
    UsageSnapshot,
    UsageWindow,
    WeeklyBreakdown,
    WindowGroup,
)
from claude_tray.notifiers.rules import NoticeRules
from claude_tray.poller.outcome import outcome_of
from claude_tray.report.doctor import diagnose
from claude_tray.report.doctor_text import format_report
from claude_tray.report.status import format_text, waybar_json
from claude_tray.settings.model import NotificationSettings, Settings
from claude_tray.tray.view import build_view
from claude_tray.usage.forecast import Forecast, Outlook, describe
from tests.support.http import LoopbackServer, Reply
from tests.test_doctor import healthy
from tests.test_status_command import USAGE, login, status  # noqa: F401 (login is a fixture)

ROOT = Path(__file__).resolve().parents[1]
POT = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def catalog(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle)


def ids(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


# --------------------------------------------------------------------------- catalogs


def test_the_template_is_what_the_code_marks_today() -> None:
    found = {
        ids(message)
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "claude_tray"), keywords=KEYWORDS, comment_tags=()
        )
    }
    template = {ids(m.id) for m in catalog(POT) if m.id}
    assert found - template == set(), "marked but not in the .pot: run the extract command in the README"
    assert template - found == set(), "in the .pot but no longer in the code: re-extract"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_catalog_translates_every_entry_with_its_placeholders(lang: str) -> None:
    template = {ids(m.id): m for m in catalog(POT) if m.id}
    translated = catalog(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    assert translated.locale == Locale.parse(lang)
    entries = {ids(m.id): m for m in translated if m.id}
    assert set(template) - set(entries) == set(), f"{lang} lacks these keys: update and translate it"
    for key, message in entries.items():
        assert key in template, f"{lang}: {key!r} is no longer in the code"
        assert not message.fuzzy, f"{lang}: {key!r} is fuzzy"
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert forms and all(forms), f"{lang}: {key!r} is not translated"
        wanted = set(PLACEHOLDER.findall(" ".join(message.id if isinstance(message.id, tuple) else (key,))))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == wanted, f"{lang}: {key!r} -> {form!r} lost a placeholder"
            form.format(**dict.fromkeys(wanted, "x"))  # and formats (no stray braces)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_catalog_is_compiled_and_found_by_its_environment_name(lang: str) -> None:
    """``LANG=de_DE.UTF-8`` finds ``de``; ``pt_BR.UTF-8`` finds ``pt_BR`` (gettext's own search)."""
    name = {"de": "de_DE", "es": "es_ES", "fr": "fr_FR", "ja": "ja_JP"}.get(lang, lang) + ".UTF-8"
    translations = gettext.translation(i18n.DOMAIN, str(i18n.LOCALE_DIR), languages=[name], fallback=False)
    assert translations.gettext("Quit") != "Quit"
    assert Locale.parse(translations.info()["language"]) == Locale.parse(lang)


# --------------------------------------------------------------------------- nothing left unmarked


class Pseudo(gettext.NullTranslations):
    """Every marked string comes back bracketed; English formats for numbers stay."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def scenarios() -> list[AccountStatus]:
    """Statuses that between them reach every line the menu, status and waybar can print."""
    windows = (
        UsageWindow("five_hour", "5-hour", 42.0, NOW + timedelta(hours=2), WindowGroup.SESSION),
        UsageWindow("seven_day", "Weekly", 85.0, NOW + timedelta(days=3), WindowGroup.WEEKLY),
        UsageWindow("seven_day_opus", "Opus weekly", None, NOW + timedelta(days=9), WindowGroup.MODEL),
        UsageWindow(
            "seven_day_cowork",
            "Cowork weekly",
            90.0,
            None,
            dollars=Dollars(500.0, 450.0, None),
            computed=True,
        ),
        UsageWindow(
            "x", "Routines weekly", 12.0, None, locked_reason="seat_limit", drives=False, active=False
        ),
        UsageWindow("y", "Design weekly", None, None, dollars=Dollars(None, 12.0, 3.0), drives=False),
        UsageWindow("z", "Fable weekly", 5.0, NOW - timedelta(minutes=5), read_at=NOW - timedelta(hours=1)),
    )
    breakdown = WeeklyBreakdown(
        (BreakdownRow("claude_code", "Claude Code", 100.0), BreakdownRow("chat", "Chats", None))
    )
    out_of = ExtraUsage(False, 534.11, 550.0, "EUR", 97.0, disabled_reason="out_of_credits")
    snapshot = UsageSnapshot("work", SourceKind.CLI, NOW - timedelta(minutes=3), windows, out_of, breakdown)
    on = ExtraUsage(True, 12.0, None, "USD", None, currency_assumed=True)
    off = ExtraUsage(False, None, None, "USD", None, disabled_reason="org_policy")
    limited = outcome_of(RateLimited("429", retry_after=None))
    expired = outcome_of(TokenExpired("expired"))
    down = outcome_of(TransientApiError("503", status=503))
    return [
        AccountStatus("work", Health.FRESH, snapshot),
        AccountStatus(
            "home",
            Health.RATE_LIMITED,
            replace(snapshot, account="home", extra=on, breakdown=None),
            message=limited.message,
            hint="",
            next_attempt_at=NOW + timedelta(minutes=20),
        ),
        AccountStatus(
            "lab", Health.UNAUTHORIZED, replace(snapshot, extra=off), expired.message, expired.hint
        ),
        AccountStatus(
            "old", Health.OFFLINE, replace(snapshot, windows=(), extra=None), down.message, down.hint
        ),
        AccountStatus("new", Health.STARTING),
    ]


# account names, doctor's mark, the state's code name in brackets, English-locale clock words
DATA = {"work", "home", "lab", "old", "new", "default", "XX", *(f"[{h.value}]" for h in Health)}
DATA |= {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Nov", "Dec", "Jan"}


def unmarked(text: str, data: set[str] = DATA) -> list[str]:
    """English words outside every ⟦...⟧ once the data is taken out."""
    while (stripped := re.sub(r"⟦[^⟦⟧]*⟧", " ", text)) != text:
        text = stripped
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return re.findall(r"[A-Za-z]{2,}", text)


def strings_of(value: object) -> set[str]:
    """Every string inside a probe (doctor shows them as found, untranslated)."""
    if isinstance(value, str):
        return {value}
    if is_dataclass(value) and not isinstance(value, type):
        return set().union(*(strings_of(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, tuple):
        return set().union(set(), *(strings_of(v) for v in value))
    return set()


def test_menu_status_and_waybar_mark_every_sentence() -> None:
    forecast = Forecast("work", "five_hour", "5-hour", Outlook.HITS, 42.0, NOW + timedelta(hours=2))
    with i18n.use_translations(Pseudo()):
        statuses = scenarios()
        texts = [
            format_text(statuses, NOW, UTC),
            *(
                str(waybar_json(s, Settings().thresholds, NOW, UTC)[k])
                for s in statuses
                for k in ("text", "tooltip")
            ),
        ]
        for shown in (statuses[:1], statuses[:2], statuses, []):
            view = build_view(shown, Settings(), NOW, tz=UTC, autostart=True, hidden=frozenset({"new"}))
            texts += [
                view.title,
                *(e.label for e in view.menu),
                *(s.label for e in view.menu for s in e.submenu),
            ]
        for outlook in Outlook:
            near = replace(forecast, outlook=outlook, limit_at=NOW + timedelta(hours=1), ends_near=64.0)
            texts += [describe(near, NOW, UTC), describe(replace(near, resets_at=None, reason=""), NOW, UTC)]
    for text in texts:
        assert unmarked(text) == [], text
    assert any("⟦Quit⟧" in t for t in texts)


def test_the_parts_menu_items_mark_every_sentence() -> None:
    from claude_tray.app.parts.bridge import bridge_entries
    from claude_tray.app.parts.updates import menu_label
    from claude_tray.claude_code.context import SessionContext, session_menu_lines
    from claude_tray.tray.view import sessions_section

    offers = (("work", Path("/h/.claude")), ("home", Path("/h/.claude-home")))
    session = SessionContext("s1", "proj", "claude-opus-4-6", 620_000, 1_000_000, 62.0, NOW)
    with i18n.use_translations(Pseudo()):
        fresh = scenarios()
        texts = [
            e.label for e in bridge_entries(offers, [replace(s, snapshot=None) for s in fresh[:2]], "oops")
        ]
        texts += [e.label for e in bridge_entries(offers[:1], fresh[:1], None, undo=offers[1:])]
        texts += [menu_label(None, None, checking=c) for c in (True, False)] + [
            menu_label(None, "boom", checking=False)
        ]
        texts += [e.label for e in sessions_section([session])] + list(
            session_menu_lines([session] * 10, limit=2)
        )
    data = DATA | {"oops", "boom", "proj", "Opus"}
    for text in texts:
        assert unmarked(text, data) == [], text
    assert len(texts) > 10


def test_notifications_mark_every_sentence() -> None:
    with i18n.use_translations(Pseudo()):
        fresh, limited, expired, _down, _new = scenarios()
    low = replace(fresh, snapshot=replace(fresh.snapshot, windows=fresh.snapshot.windows[:1], extra=None))  # type: ignore[arg-type]
    high = replace(
        low,
        snapshot=replace(
            low.snapshot,  # type: ignore[arg-type]
            windows=(replace(fresh.snapshot.windows[0], utilization=95.0),),  # type: ignore[union-attr]
            extra=ExtraUsage(False, 534.11, 550.0, "EUR", 97.0, disabled_reason="out_of_credits"),
        ),
    )
    armed = replace(high, snapshot=replace(high.snapshot, extra=ExtraUsage(True, 1.0, 5.0, "USD", 20.0)))  # type: ignore[arg-type]
    rules = NoticeRules(NotificationSettings(), tz=UTC)
    notices = []
    with i18n.use_translations(Pseudo()):
        sequence = [
            replace(armed, snapshot=low.snapshot),
            armed,
            high,
            low,
            replace(expired, account="work"),
            low,
        ]
        previous = None
        for current in sequence:
            notices += rules.on_change(StatusChange(previous, current), NOW)
            previous = current
        del limited
    kinds = {n.kind.value for n in notices}
    assert {"threshold", "refill", "login_lost", "login_back", "extra_usage"} <= kinds, kinds
    for notice in notices:
        assert unmarked(f"{notice.title}\n{notice.body}") == [], notice


def test_doctor_marks_every_sentence() -> None:
    probes = replace(healthy(), display=False, backend=None, keyring=None)
    with i18n.use_translations(Pseudo()):
        texts = [format_report(diagnose(p)) for p in (healthy(), probes)]
    data = DATA | strings_of(healthy()) | strings_of(probes) | {"StatusNotifierWatcher"}
    for text in texts:
        assert unmarked(text, data) == [], text


# --------------------------------------------------------------------------- German, for real


def test_the_german_menu_reads_german_with_german_numbers() -> None:
    statuses = scenarios()[:1]
    english = build_view(statuses, Settings(), NOW, tz=UTC, autostart=False)
    with i18n.use("de"):
        german = build_view(statuses, Settings(), NOW, tz=UTC, autostart=False)
        assert i18n.language() == "de"
    labels = [e.label for e in german.menu if not e.separator]
    assert len(labels) == len([e for e in english.menu if not e.separator])
    assert all(
        g != e for g, e in zip(labels, (e.label for e in english.menu if not e.separator), strict=True)
    )
    assert {"Jetzt aktualisieren", "Beenden", "Bei Anmeldung starten"} <= set(labels)
    assert "5 Stunden: 42\xa0% · wird in 2 Std. zurückgesetzt (14:00) · 18\xa0% unter Plan" in labels
    assert "Wöchentlich: 85\xa0% · wird in 3 T. zurückgesetzt (Mi 12:00) · 28\xa0% über Plan" in labels
    assert "Zusatznutzung: Guthaben aufgebraucht · 534,11\xa0€ von 550,00\xa0€ (97\xa0%)" in labels
    assert german.title.startswith("Claude-Nutzung: 5 Stunden 42\xa0% · Wöchentlich 85\xa0%")
    assert _("Quit") == "Quit"  # the block ended: English again


def test_status_text_in_german_from_the_environment_and_json_in_english(
    server: LoopbackServer,
    login: Path,  # noqa: F811
) -> None:
    now = datetime.now(UTC)
    body = {
        "five_hour": {"utilization": 42.0, "resets_at": (now + timedelta(hours=2)).isoformat()},
        "seven_day": {"utilization": 85.0, "resets_at": (now + timedelta(days=2)).isoformat()},
    }
    server.script(USAGE, *[Reply(200, body=json.dumps(body).encode())] * 4)
    english = status(server, LANGUAGE="en")
    german = status(server, LANGUAGE="de", LANG="de_DE.UTF-8")
    assert (english.code, german.code) == (0, 0)
    assert "5-hour" in english.stdout and "Weekly" in english.stdout
    assert "5 Stunden" in german.stdout and "Wöchentlich" in german.stdout, german.stdout
    assert "42\xa0%" in german.stdout
    assert "aktualisiert" in german.stdout and "wird in" in german.stdout
    assert english.stdout != german.stdout
    # each run's own times and rates differ; every word must not
    stamp = re.compile(r'"\d{4}-\d\d-\d\dT[^"]*"|\d+\.\d+')
    by_locale = [stamp.sub("T", status(server, "--json", LANGUAGE=lang).stdout) for lang in ("en", "de")]
    assert by_locale[0] == by_locale[1]
    assert '"text": "won\'t hit the limit' in by_locale[0] or '"text": "at this pace' in by_locale[0]


def test_a_language_without_a_catalog_and_the_c_locale_speak_english() -> None:
    for env in (
        {"LANGUAGE": "xx"},
        {"LANG": "C"},
        {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""},
    ):
        code = "from claude_tray import i18n; print(i18n._('Quit'), i18n.language(), i18n.percent(41.5))"
        clean = {
            k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
        }
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=clean | env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert done.stdout == "Quit None 42%\n", env
    french = subprocess.run(
        [sys.executable, "-c", code],
        env=os.environ | {"LANGUAGE": "fr_FR.UTF-8:en"},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert french.stdout == "Quitter fr 42\xa0%\n"


def test_a_command_line_error_and_its_hint_in_german(server: LoopbackServer) -> None:
    english, german = (status(server, LANGUAGE=lang) for lang in ("en", "de"))
    assert (english.code, german.code) == (1, 1)
    assert "No Claude login found" in english.stderr and "run `claude` and log in" in english.stderr
    assert "Keine Claude-Anmeldung gefunden" in german.stderr, german.stderr
    assert "`claude` ausführen und anmelden" in german.stderr
