"""Looking at a running tray from outside: pixels, the XEmbed selection, SNI items, dbusmenu.

Built only on Pillow, python-xlib and jeepney (adapted from the shared desktop-testing kit).
Everything that waits takes a deadline and polls a condition; nothing sleeps a fixed time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PIL import Image, ImageChops, ImageGrab

T = TypeVar("T")

RGB = tuple[int, int, int]


# ----------------------------------------------------------------------------- waiting


def wait_for(predicate: Callable[[], T | None], timeout: float = 10.0, what: str = "condition") -> T:
    """Poll ``predicate`` every 50 ms until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


# ----------------------------------------------------------------------------- pixels


def grab(display: str | None = None) -> Image.Image:
    return ImageGrab.grab(xdisplay=display or os.environ["DISPLAY"]).convert("RGB")


def colour_mask(image: Image.Image, rgb: RGB, tolerance: int = 40) -> Image.Image:
    bands = image.convert("RGB").split()
    masks = [
        band.point(lambda v, c=c: 255 if abs(v - c) <= tolerance else 0)
        for band, c in zip(bands, rgb, strict=True)
    ]
    return ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])


def colour_count(image: Image.Image, rgb: RGB, tolerance: int = 40) -> int:
    return int(colour_mask(image, rgb, tolerance).histogram()[255])


def colour_bbox(image: Image.Image, rgb: RGB, tolerance: int = 40) -> tuple[int, int, int, int] | None:
    return colour_mask(image, rgb, tolerance).getbbox()


# ----------------------------------------------------------------------------- XEmbed


def tray_owner(display: str | None = None) -> int | None:
    """The window owning ``_NET_SYSTEM_TRAY_S<screen>``, or None."""
    import Xlib.display

    d = Xlib.display.Display(display)
    try:
        owner = d.get_selection_owner(d.intern_atom(f"_NET_SYSTEM_TRAY_S{d.get_default_screen()}"))
        return getattr(owner, "id", 0) or None
    finally:
        d.close()


def docked_icons(display: str | None = None) -> list[tuple[int, int, int, int, int]]:
    """(parent window id, x, y, width, height) of every pystray XEmbed icon window; x, y on screen."""
    import Xlib.display

    d = Xlib.display.Display(display)
    try:
        found: list[tuple[int, int, int, int, int]] = []

        def walk(window: Any, depth: int) -> None:
            for child in window.query_tree().children:
                wm_class = child.get_wm_class() or ("", "")
                if wm_class[0].endswith("SystemTrayIcon"):
                    g = child.get_geometry()
                    origin = root.translate_coords(child, 0, 0)
                    found.append((window.id, origin.x, origin.y, g.width, g.height))
                if depth < 6:
                    walk(child, depth + 1)

        root = d.screen().root
        walk(root, 0)
        return found
    finally:
        d.close()


# ----------------------------------------------------------------------------- D-Bus (jeepney)


def dbus_call(
    bus_name: str, path: str, iface: str, method: str, sig: str | None = None, args: tuple[Any, ...] = ()
) -> Any:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection(bus="SESSION")
    try:
        message = new_method_call(DBusAddress(path, bus_name=bus_name, interface=iface), method, sig, args)
        reply = conn.send_and_get_reply(message, timeout=5)
        if reply.header.message_type.name == "error":
            raise RuntimeError(f"D-Bus error {reply.header.fields!r}: {reply.body!r}")
        return reply.body
    finally:
        conn.close()


def name_has_owner(name: str) -> bool:
    return bool(
        dbus_call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "NameHasOwner",
            "s",
            (name,),
        )[0]
    )


def dbus_props(bus_name: str, path: str, iface: str) -> dict[str, Any]:
    (values,) = dbus_call(bus_name, path, "org.freedesktop.DBus.Properties", "GetAll", "s", (iface,))
    return {key: value[1] for key, value in values.items()}


WATCHER = ("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher")


def sni_items() -> list[tuple[str, str]]:
    """(bus name, object path) of every item registered with the watcher."""
    out = []
    for entry in dbus_props(*WATCHER)["RegisteredStatusNotifierItems"]:
        if "/" in entry and not entry.startswith("/"):
            bus, path = entry.split("/", 1)
            out.append((bus, "/" + path))
        else:
            out.append((entry, "/StatusNotifierItem"))
    return out


def sni_item_props(bus: str, path: str) -> dict[str, Any]:
    return dbus_props(bus, path, "org.kde.StatusNotifierItem")


def dbusmenu_items(bus: str, menu_path: str) -> list[dict[str, Any]]:
    """Every menu entry, depth first: id, label, type, enabled, toggle-type/-state, children."""
    _revision, layout = dbus_call(bus, menu_path, "com.canonical.dbusmenu", "GetLayout", "iias", (0, -1, []))

    def convert(node: Any) -> dict[str, Any]:
        node_id, props, children = node
        values = {key: value[1] for key, value in props.items()}
        return {
            "id": node_id,
            "label": values.get("label"),
            "type": values.get("type", "standard"),
            "enabled": values.get("enabled", True),
            "toggle-type": values.get("toggle-type"),
            "toggle-state": values.get("toggle-state"),
            "children": [convert(child[1]) for child in children],
        }

    flat: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        for child in node["children"]:
            flat.append(child)
            walk(child)

    walk(convert(layout))
    return flat


def dbusmenu_labels(bus: str, menu_path: str) -> list[str]:
    return [item["label"] for item in dbusmenu_items(bus, menu_path) if item["type"] != "separator"]


def dbusmenu_click(bus: str, menu_path: str, label: str) -> None:
    """Click the entry with this label; ids change on every menu rebuild, so look it up now."""
    item = next(i for i in dbusmenu_items(bus, menu_path) if i["label"] == label)
    dbus_call(bus, menu_path, "com.canonical.dbusmenu", "Event", "isvu", (item["id"], "clicked", ("i", 0), 0))


def root_id(display: str | None = None) -> int:
    import Xlib.display

    d = Xlib.display.Display(display)
    try:
        return int(d.screen().root.id)
    finally:
        d.close()
