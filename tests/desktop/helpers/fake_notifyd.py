"""Fake org.freedesktop.Notifications for tests: records every Notify() call as one JSON line.

usage: fake_notifyd.py OUTFILE    (prints "ready" once it owns the name on the session bus)

Needs no X server and is deterministic. Adapted from the desktop-testing kit; the D-Bus
signatures are dbus-next string annotations, hence the F821/F722 exemptions.
"""
# ruff: noqa: F821, F722

import asyncio
import itertools
import json
import sys

from dbus_next.aio import MessageBus
from dbus_next.service import ServiceInterface, method, signal

OUT = sys.argv[1]
ids = itertools.count(1)


class Notifications(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")

    @method()
    def Notify(
        self,
        app_name: "s",
        replaces_id: "u",
        app_icon: "s",
        summary: "s",
        body: "s",
        actions: "as",
        hints: "a{sv}",
        expire_timeout: "i",
    ) -> "u":
        nid = replaces_id or next(ids)
        hint_values = {k: "<bytes>" if isinstance(v.value, bytes) else v.value for k, v in hints.items()}
        record = {
            "id": nid,
            "replaces_id": replaces_id,
            "app_name": app_name,
            "app_icon": app_icon,
            "summary": summary,
            "body": body,
            "actions": actions,
            "hints": hint_values,
            "expire_timeout": expire_timeout,
        }
        with open(OUT, "a", encoding="utf-8") as fh:  # noqa: PTH123 - one append per call
            fh.write(json.dumps(record, default=str) + "\n")
        return nid

    @method()
    def CloseNotification(self, id: "u") -> None:
        self.NotificationClosed(id, 3)

    @method()
    def GetCapabilities(self) -> "as":
        return ["body", "actions", "icon-static"]

    @method()
    def GetServerInformation(self) -> "ssss":
        return ["fake-notifyd", "tests", "1.0", "1.2"]

    @signal()
    def NotificationClosed(self, id, reason) -> "uu":
        return [id, reason]

    @signal()
    def ActionInvoked(self, id, key) -> "us":
        return [id, key]


async def main() -> None:
    bus = await MessageBus().connect()
    bus.export("/org/freedesktop/Notifications", Notifications())
    await bus.request_name("org.freedesktop.Notifications")
    print("ready", flush=True)
    await asyncio.get_running_loop().create_future()


asyncio.run(main())
