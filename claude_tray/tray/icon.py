"""The tray adapter: the only module that imports pystray (plus our xorg fix).

pystray is treated as a foreign API. :func:`load_backend` picks the backend the way pystray
itself does, but tells us why (``PYSTRAY_BACKEND`` wins; on Linux appindicator, then gtk,
then xorg; every reason a backend failed is kept for ``doctor``). :class:`TrayIcon` receives
immutable :class:`~claude_tray.tray.view.TrayView` values: ``apply`` does nothing when the
view is unchanged, renders the icon on the caller's thread, and hands the pystray mutation to
the one :meth:`TrayIcon.post_to_ui` path (the GLib loop for gtk/appindicator, the X loop for
xorg, the AppKit loop on macOS). The menu is a pystray ``Menu`` over a callable that returns
a tuple swapped atomically. Menu clicks only enqueue a :class:`Command`: no I/O on the UI thread.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from claude_tray.errors import TrayUnavailable
from claude_tray.model import IconSpec
from claude_tray.tray.menu import Action, MenuEntry, TrayView

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "LINUX_BACKENDS",
    "BackendChoice",
    "Command",
    "TrayIcon",
    "display_available",
    "load_backend",
    "tray_host",
]

_log = logging.getLogger(__name__)

LINUX_BACKENDS = ("appindicator", "gtk", "xorg")
SNI_WATCHER = "org.kde.StatusNotifierWatcher"
ICON_SIZE = 64  # hosts scale it down; big enough for 2x panels


@dataclass(frozen=True, slots=True)
class Command:
    """What a menu click asks the app to do; handled off the UI thread."""

    action: Action
    account: str | None = None
    checked: bool | None = None  # a checkbox's state as shown when clicked (the click flips *that*)


@dataclass(frozen=True, slots=True)
class BackendChoice:
    """Which pystray backend runs, why, and why each other candidate did not (for ``doctor``)."""

    name: str
    why: str
    rejected: tuple[tuple[str, str], ...] = ()
    module: ModuleType | None = None  # the imported pystray package


def display_available(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """False on Linux/BSD with neither an X nor a Wayland display (no tray can exist)."""
    env = os.environ if env is None else env
    if platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def load_backend(platform: str = sys.platform) -> BackendChoice:
    """Import pystray with the first backend that works; raise TrayUnavailable with every reason.

    pystray reads ``PYSTRAY_BACKEND`` from the environment when it is imported, so each Linux
    candidate is tried by setting it (the chosen one stays set, which ``doctor`` can show).
    """
    forced = os.environ.get("PYSTRAY_BACKEND")
    if forced:
        candidates: tuple[str, ...] = (forced,)
        why = f"PYSTRAY_BACKEND={forced}"
    elif platform.startswith("linux") or "bsd" in platform:
        candidates, why = LINUX_BACKENDS, "first of appindicator, gtk, xorg that loaded"
    else:
        candidates, why = ("",), f"the {platform} backend"
    rejected: list[tuple[str, str]] = []
    for name in candidates:
        module = _try_import(name, rejected)
        if module is not None:
            actual = name or module.Icon.__module__.rsplit("._", 1)[-1]  # "darwin", "win32"
            return BackendChoice(actual, why, tuple(rejected), module)
    reasons = "; ".join(f"{name or platform}: {reason}" for name, reason in rejected)
    raise TrayUnavailable(f"no tray backend works here ({reasons})", rejected=tuple(rejected))


def _try_import(name: str, rejected: list[tuple[str, str]]) -> ModuleType | None:
    if name:
        os.environ["PYSTRAY_BACKEND"] = name
    try:
        # a failed import leaves no "pystray" in sys.modules, so the next candidate starts clean
        import pystray
    except Exception as err:  # noqa: BLE001 - Xlib raises its own errors, not ImportError
        rejected.append((name, _one_line(err)))
        return None
    module: ModuleType = pystray
    return module


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}".rstrip(": ")


def tray_host(backend: str) -> str | None:
    """The tray host that will show the icon, or None when there is none (GNOME without the
    AppIndicator extension, a bare X session). Cheap: one D-Bus call and one X request."""
    if backend in ("darwin", "win32", "dummy"):
        return "system" if backend != "dummy" else "none needed"
    if backend == "appindicator" and _sni_watcher_present():
        return "StatusNotifierWatcher"
    if _xembed_tray_present():  # appindicator falls back to XEmbed when no watcher runs
        return "XEmbed system tray"
    return None


def _sni_watcher_present() -> bool:
    try:
        from gi.repository import Gio, GLib

        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        reply = bus.call_sync(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "NameHasOwner",
            GLib.Variant("(s)", (SNI_WATCHER,)),
            GLib.VariantType("(b)"),
            Gio.DBusCallFlags.NONE,
            2000,
            None,
        )
        return bool(reply.unpack()[0])
    except Exception:  # noqa: BLE001 - no session bus means no watcher
        return False


def _xembed_tray_present() -> bool:
    if not os.environ.get("DISPLAY"):
        return False
    try:
        import Xlib.display

        display = Xlib.display.Display()
    except Exception:  # noqa: BLE001 - unreachable display: no tray there
        return False
    try:
        atom = display.intern_atom(f"_NET_SYSTEM_TRAY_S{display.get_default_screen()}")
        return bool(getattr(display.get_selection_owner(atom), "id", 0))
    finally:
        display.close()


class TrayIcon:
    """One pystray icon driven by TrayView values. ``run()`` must be called on the main thread."""

    def __init__(
        self,
        choice: BackendChoice,
        view: TrayView,
        *,
        render: Callable[[IconSpec], Image],
        on_command: Callable[[Command], None],
        on_ready: Callable[[], None] = lambda: None,
        name: str = "claude-tray",
    ) -> None:
        if choice.module is None:
            raise ValueError("the backend choice carries no pystray module")
        self._pystray: Any = choice.module
        self.backend = choice.name
        self._render = render
        self._on_command = on_command
        self._on_ready = on_ready
        self._lock = threading.Lock()
        self._shown = choice.name == "dummy"  # the dummy backend is a menu model without a loop
        self._pending: list[Callable[[], None]] = []
        self._stopping = False
        self._last = view
        self._items: tuple[Any, ...] = self._menu_items(view.menu)
        icon_class = self._icon_class()
        menu = self._pystray.Menu(lambda: self._items)
        self._icon = icon_class(name, render(view.icon), view.title, menu=menu)

    @property
    def has_menu(self) -> bool:
        return bool(self._icon.HAS_MENU)

    @property
    def view(self) -> TrayView:
        return self._last

    def _icon_class(self) -> Any:
        if self.backend == "xorg":
            from claude_tray.tray._xorg_fix import FixedXorgIcon

            return FixedXorgIcon
        return self._pystray.Icon

    def run(self) -> None:
        """Show the icon and run the UI loop until :meth:`stop`; blocks the (main) thread."""
        try:
            self._icon.run(setup=self._setup)
        except Exception:
            if not self._stopping:
                raise
            # pystray's GTK clean-up asks the notification service to close its (never shown)
            # notification and raises when none is installed; the loop has ended all the same
            _log.debug("tray clean-up after stop failed", exc_info=True)

    def _setup(self, icon: Any) -> None:  # pystray's setup thread, once the loop runs
        icon.visible = True
        with self._lock:
            self._shown = True
            pending, self._pending = self._pending, []
        for action in pending:
            self._post(action)
        self.post_to_ui(self._on_ready)

    def stop(self) -> None:
        """End ``run()``. Safe from any thread (pystray marshals it to the loop)."""
        self._stopping = True
        if self.backend == "xorg":
            self._icon.stop_from_loop()  # see claude_tray.tray._xorg_fix: Xlib reads on one thread
            return
        self._icon.stop()

    def apply(self, view: TrayView) -> None:
        """Show ``view``; a no-op when it equals the one shown. Renders here, mutates on the UI thread."""
        with self._lock:
            previous = self._last
            if view == previous:
                return
            self._last = view
        image = self._render(view.icon) if view.icon != previous.icon else None
        items = self._menu_items(view.menu) if view.menu != previous.menu else None
        title = view.title if view.title != previous.title else None
        self.post_to_ui(lambda: self._apply_on_ui_thread(image, title, items))

    def _apply_on_ui_thread(
        self, image: Image | None, title: str | None, items: tuple[Any, ...] | None
    ) -> None:
        if image is not None:
            self._icon.icon = image
        if title is not None:
            self._icon.title = title
        if items is not None:
            self._items = items  # the menu callable reads this tuple; swapping it is atomic
            if self.backend != "dummy":
                self._icon.update_menu()

    def post_to_ui(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the UI thread: the one path for every UI mutation."""
        with self._lock:
            if not self._shown:
                self._pending.append(action)  # runs once the icon is visible (see _setup)
                return
        self._post(action)

    def _post(self, action: Callable[[], None]) -> None:
        guarded = _guard(action)
        if self.backend in ("gtk", "appindicator"):
            from gi.repository import GLib

            GLib.idle_add(guarded)  # returns False: run once
        elif self.backend == "xorg":
            self._icon.post(guarded)
        elif self.backend == "darwin":
            from PyObjCTools import AppHelper  # type: ignore[import-not-found]  # macOS only

            AppHelper.callAfter(guarded)
        else:  # dummy (no loop) and win32 (plain Shell_NotifyIcon calls; not exercised here)
            guarded()

    def _menu_items(self, entries: tuple[MenuEntry, ...]) -> tuple[Any, ...]:
        return tuple(self._menu_item(entry) for entry in entries)

    def _menu_item(self, entry: MenuEntry) -> Any:
        pystray = self._pystray
        if entry.separator:
            return pystray.Menu.SEPARATOR
        if entry.submenu:
            return pystray.MenuItem(entry.label, pystray.Menu(*self._menu_items(entry.submenu)))
        checked = None if entry.checked is None else (lambda _item, value=entry.checked: value)
        return pystray.MenuItem(
            entry.label,
            self._handler(entry),
            checked=checked,
            enabled=entry.enabled and entry.action is not None,
            default=entry.default,
        )

    def _handler(self, entry: MenuEntry) -> Callable[[Any, Any], None]:
        if entry.action is None:
            return lambda _icon, _item: None
        command = Command(entry.action, entry.account, entry.checked)
        return lambda _icon, _item: self._on_command(command)

    def menu_model(self) -> Any:
        """The pystray menu as the backend sees it (for tests with the dummy backend)."""
        return self._icon.menu


def _guard(action: Callable[[], None]) -> Callable[[], bool]:
    def run() -> bool:
        try:
            action()
        except Exception:  # noqa: BLE001 - a failed update must not end the UI loop
            _log.exception("tray update failed")
        return False

    return run
