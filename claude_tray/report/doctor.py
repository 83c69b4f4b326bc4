"""``claude-tray doctor``'s report: a pure function from gathered facts to findings.

The command (:mod:`claude_tray.commands.doctor`) gathers the facts (:class:`Probes`: Python,
display, the pystray backend and why the others were not used, the StatusNotifierWatcher, the
keyring backend, settings, autostart, each account's source, the last poll outcome); this module
only judges them. Each :class:`Finding` is ``ok``, ``info``, ``warn`` or ``fail``; the report is
healthy (exit 0) when nothing *needed* fails: a display with a tray backend and a tray host,
valid settings, and a readable login for every account.
"""

from __future__ import annotations

import enum
import shlex
from dataclasses import dataclass
from datetime import datetime

from claude_tray.claude_code.bridge import BridgeState
from claude_tray.i18n import N_, _
from claude_tray.model import Health, SourceKind
from claude_tray.report.wording import format_age
from claude_tray.sources import SourceReport
from claude_tray.usage.last_poll import PollRecord

__all__ = [
    "AccountProbe",
    "AutostartProbe",
    "BackendProbe",
    "BridgeProbe",
    "Finding",
    "Level",
    "Probes",
    "Report",
    "SettingsProbe",
    "diagnose",
]

NO_TRAY_HINT = N_("without a tray, `claude-tray status` and `claude-tray watch` work in a terminal")
GI_HINT = N_(
    "install PyGObject and the AppIndicator typelib from your distribution (packaging/linux/INSTALL.md) "
    "and install claude-tray with pipx --system-site-packages"
)
HOST_HINT = N_(
    "GNOME: enable the AppIndicator extension (gnome-shell-extension-appindicator); other desktops: "
    "add a system tray / status notifier panel applet"
)
XEMBED_HINT = N_(
    "xorg icons need an XEmbed system tray (a panel's systray applet, trayer, stalonetray); "
    "unset PYSTRAY_BACKEND to use AppIndicator instead"
)
_KNOWN_BACKENDS = ("appindicator", "gtk", "xorg", "dummy", "darwin", "win32")


class Level(enum.Enum):
    OK = "ok"
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Finding:
    topic: str  # "Python", "Tray backend", "Account default", ...
    level: Level
    text: str
    hint: str = ""
    account: str | None = None  # the account a finding is about


@dataclass(frozen=True, slots=True)
class BackendProbe:
    """What :func:`claude_tray.tray.icon.load_backend` and ``tray_host`` found."""

    candidates: tuple[str, ...]  # in the order they are tried ("appindicator", "gtk", "xorg")
    chosen: str | None = None
    why: str = ""
    rejected: tuple[tuple[str, str], ...] = ()  # (backend, why it did not load)
    host: str | None = None  # what shows the icon, None = nothing


@dataclass(frozen=True, slots=True)
class SettingsProbe:
    path: str
    exists: bool
    problems: tuple[str, ...] = ()  # "file:line: [key] what is wrong"


@dataclass(frozen=True, slots=True)
class AutostartProbe:
    supported: bool
    enabled: bool
    location: str


@dataclass(frozen=True, slots=True)
class AccountProbe:
    name: str
    source: str  # as configured: auto, cli, keychain, web, statusline
    reports: tuple[SourceReport, ...]  # the kinds that source means here (auto on macOS: two)
    last: PollRecord | None = None


@dataclass(frozen=True, slots=True)
class BridgeProbe:
    """One Claude Code config dir: is the status-line bridge in, and how old is its usage cache."""

    config_dir: str
    state: BridgeState
    cache: str  # the .claude.json looked at
    cache_at: datetime | None = None  # fetchedAtMs of its usage cache; None = no usable cache


@dataclass(frozen=True, slots=True)
class Probes:
    version: str
    python: str  # "3.11.2 (CPython, /usr/bin/python3)"
    python_ok: bool
    platform: str  # "Linux-6.1.0-x86_64-with-glibc2.36"
    linux_desktop: bool  # Linux/BSD: D-Bus, SNI and XEmbed matter
    display: bool
    backend: BackendProbe | None  # None: not probed (no display)
    session_bus: bool
    sni_watcher: bool | None  # None: not applicable or not asked
    keyring: str | None  # backend name, None = no usable keyring
    session_key_env: bool  # CLAUDE_TRAY_SESSION_KEY is set (web accounts need no keyring)
    settings: SettingsProbe
    autostart: AutostartProbe
    accounts: tuple[AccountProbe, ...]
    now: datetime
    bridges: tuple[BridgeProbe, ...] = ()  # one per Claude Code config dir of the accounts
    keyring_problem: str = ""  # "locked", "no default collection"; "" = fine or not known


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """Everything needed is present: no finding failed."""
        return all(f.level is not Level.FAIL for f in self.findings)


def diagnose(probes: Probes) -> Report:
    findings = [
        Finding("claude-tray", Level.INFO, probes.version),
        _python(probes),
        Finding(_("Platform"), Level.INFO, probes.platform),
        *_tray(probes),
        *_keyring(probes),
        *_settings(probes.settings),
        _autostart(probes.autostart),
    ]
    for account in probes.accounts:
        findings += [_account(account), _last_poll(account, probes.now)]
    for bridge in probes.bridges:
        findings += _bridge(bridge, probes.now)
    return Report(tuple(findings))


_BRIDGE_LEVELS = {
    BridgeState.INSTALLED: Level.OK,
    BridgeState.NOT_INSTALLED: Level.INFO,
    BridgeState.NO_CONFIG_DIR: Level.INFO,
    BridgeState.UNREADABLE: Level.WARN,
}


def _bridge(bridge: BridgeProbe, now: datetime) -> list[Finding]:
    """The status-line bridge and the usage cache of one config dir (Claude Code's own numbers)."""
    hint = ""
    if bridge.state is BridgeState.NOT_INSTALLED:
        hint = f"claude-tray statusline install --config-dir {shlex.quote(bridge.config_dir)}"
    text = f"{bridge.config_dir}: {_(bridge.state.words)}"
    findings = [Finding(_("Status line bridge"), _BRIDGE_LEVELS[bridge.state], text, hint)]
    if bridge.cache_at is None:
        cache = Finding("  " + _("usage cache"), Level.INFO, _("none in {path}").format(path=bridge.cache))
    else:
        cache = Finding(
            "  " + _("usage cache"),
            Level.INFO,
            _("{path}: read {age}").format(path=bridge.cache, age=format_age(bridge.cache_at, now)),
        )
    return [*findings, cache]


def _python(probes: Probes) -> Finding:
    if probes.python_ok:
        return Finding(_("Python"), Level.OK, probes.python)
    return Finding(_("Python"), Level.FAIL, probes.python, _("claude-tray needs Python 3.11 or newer"))


def _tray(probes: Probes) -> list[Finding]:
    if probes.display:
        findings = [Finding(_("Display"), Level.OK, _("present"))]
    else:
        text = _("none ($DISPLAY and $WAYLAND_DISPLAY are unset)")
        findings = [Finding(_("Display"), Level.FAIL, text, _(NO_TRAY_HINT))]
    backend = probes.backend
    if backend is not None:
        findings += [_backend(backend, linux=probes.linux_desktop), *_other_backends(backend)]
    if probes.linux_desktop:
        findings.append(_sni(probes))
    if backend is not None and backend.chosen is not None:
        findings.append(_host(backend))
    return findings


def _backend(backend: BackendProbe, *, linux: bool) -> Finding:
    if backend.chosen is None:
        return Finding(
            _("Tray backend"), Level.FAIL, _("none loaded"), _no_backend_hint(backend, linux=linux)
        )
    text = f"{backend.chosen} ({backend.why})"
    if backend.chosen == "xorg":
        forced = _forced(backend) is not None
        hint = _("unset PYSTRAY_BACKEND: AppIndicator has a menu") if forced else _(GI_HINT)
        return Finding(
            _("Tray backend"),
            Level.WARN,
            _("{backend}: no menu; a left click refreshes, `kill <pid>` quits").format(backend=text),
            hint,
        )
    return Finding(_("Tray backend"), Level.OK, text)


def _forced(backend: BackendProbe) -> str | None:
    """The backend PYSTRAY_BACKEND names (it is then the only candidate), else None."""
    if backend.why.startswith("PYSTRAY_BACKEND="):
        return backend.why.partition("=")[2]
    if len(backend.candidates) == 1 and backend.candidates[0]:
        return backend.candidates[0]
    return None


def _no_backend_hint(backend: BackendProbe, *, linux: bool) -> str:
    forced = _forced(backend)
    if forced is not None and forced not in _KNOWN_BACKENDS:
        return (
            _("PYSTRAY_BACKEND={name} names no pystray backend: unset it (or use appindicator, gtk or xorg)")
        ).format(name=forced)
    if forced in ("gtk", "xorg"):
        return _("unset PYSTRAY_BACKEND (the {name} backend did not load here)").format(name=forced)
    return _(GI_HINT) if linux else _("reinstall claude-tray")


def _other_backends(backend: BackendProbe) -> list[Finding]:
    rejected = dict(backend.rejected)
    findings = []
    for name in backend.candidates:
        if name == backend.chosen:
            continue
        if name in rejected:
            findings.append(Finding(f"  {name}", Level.INFO, _("not used: {why}").format(why=rejected[name])))
        else:
            findings.append(
                Finding(
                    f"  {name}", Level.INFO, _("not tried: {name} loaded first").format(name=backend.chosen)
                )
            )
    return findings


def _sni(probes: Probes) -> Finding:
    topic = "StatusNotifierWatcher"
    if not probes.session_bus:
        return Finding(
            topic,
            Level.WARN,
            _("unknown: no D-Bus session bus"),
            _("start claude-tray inside your desktop session"),
        )
    if probes.sni_watcher:
        return Finding(topic, Level.OK, _("present on the session bus (the panel shows AppIndicator icons)"))
    host_missing = (
        probes.backend is not None and probes.backend.chosen is not None and probes.backend.host is None
    )
    if probes.backend is not None and probes.backend.chosen == "xorg":
        return Finding(topic, Level.INFO, _("absent (the xorg backend does not use it)"))
    hint = "" if host_missing else _(HOST_HINT)  # said once, on the failing "Tray host" line
    return Finding(topic, Level.WARN, _("absent: only an XEmbed tray can show the icon"), hint)


def _host(backend: BackendProbe) -> Finding:
    if backend.host is None:
        hint = _(XEMBED_HINT) if backend.chosen == "xorg" else _(HOST_HINT)
        return Finding(
            _("Tray host"), Level.FAIL, _("nothing here shows {name} icons").format(name=backend.chosen), hint
        )
    return Finding(_("Tray host"), Level.OK, backend.host)


def _keyring(probes: Probes) -> list[Finding]:
    needs = [a.name for a in probes.accounts if SourceKind.WEB in {r.kind for r in a.reports}]
    if probes.keyring is not None and probes.keyring_problem:
        text = f"{probes.keyring}: {probes.keyring_problem}"
        if probes.keyring_problem == "locked":
            hint = _("unlock it (log in to your desktop, or open Passwords and Keys / Seahorse)")
        else:
            hint = _(
                "create a default keyring (Passwords and Keys / Seahorse: New > Password Keyring, set as default)"
            )
        level = Level.FAIL if needs and not probes.session_key_env else Level.WARN
        return [
            Finding(
                _("Keyring"), level, text, _("{hint}; `claude-tray login-web` needs it").format(hint=hint)
            )
        ]
    if probes.keyring is not None:
        return [Finding(_("Keyring"), Level.OK, probes.keyring)]
    if needs and not probes.session_key_env:
        hint = _("start your desktop's keyring (e.g. gnome-keyring), or set CLAUDE_TRAY_SESSION_KEY")
        return [
            Finding(
                _("Keyring"),
                Level.FAIL,
                _("none usable, needed by {accounts}").format(accounts=", ".join(needs)),
                hint,
            )
        ]
    return [Finding(_("Keyring"), Level.INFO, _("none usable (only the web source needs one)"))]


def _settings(settings: SettingsProbe) -> list[Finding]:
    if not settings.exists:
        return [
            Finding(
                _("Settings"),
                Level.OK,
                _("{path} (not written yet: the defaults apply)").format(path=settings.path),
            )
        ]
    if not settings.problems:
        return [Finding(_("Settings"), Level.OK, _("{path} (valid)").format(path=settings.path))]
    hint = _("fix the file (`claude-tray config edit`); the tray runs on the last good settings meanwhile")
    return [Finding(_("Settings"), Level.FAIL, problem, hint) for problem in settings.problems]


def _autostart(autostart: AutostartProbe) -> Finding:
    if not autostart.supported:
        return Finding(_("Autostart"), Level.INFO, autostart.location)
    if autostart.enabled:
        return Finding(_("Autostart"), Level.INFO, _("on ({where})").format(where=autostart.location))
    return Finding(
        _("Autostart"), Level.INFO, _("off"), _("`claude-tray autostart on` starts the tray at login")
    )


def _account(account: AccountProbe) -> Finding:
    topic = _("Account {name}").format(name=account.name)
    name = account.name
    found = [r for r in account.reports if r.found]
    if found:
        report = found[0]
        text = f"{account.source} -> {report.kind.value}: {report.reason} ({report.where})"
        return Finding(topic, Level.OK, text, account=name)
    if not account.reports:
        return Finding(
            topic,
            Level.FAIL,
            _("{source}: no source for this setting").format(source=account.source),
            account=name,
        )
    report = account.reports[-1]  # the last fallback's reason is what the person hits
    state = _("available") if report.available else _("unavailable")
    text = f"{account.source} -> {report.kind.value} {state}: {report.reason}"
    return Finding(topic, Level.FAIL, text, report.hint, account=name)


def _last_poll(account: AccountProbe, now: datetime) -> Finding:
    topic, name, last = "  " + _("last poll"), account.name, account.last
    if last is None:
        text = _("unknown (no running tray or `watch` has recorded this account yet)")
        return Finding(topic, Level.INFO, text, account=name)
    when = _("recorded {age}").format(age=format_age(last.recorded_at, now))
    reading = (
        _(", last good reading {age}").format(age=format_age(last.fetched_at, now)) if last.fetched_at else ""
    )
    if last.health is Health.FRESH:
        return Finding(topic, Level.OK, _("fresh ({when})").format(when=when + reading), account=name)
    message = f": {last.message}" if last.message else ""
    text = f"{last.health.value}{message} ({when}{reading})"
    return Finding(topic, Level.WARN, text, last.hint, account=name)
