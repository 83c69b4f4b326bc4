"""A minimal org.kde.StatusNotifierWatcher for tests (dbus-next), run as a subprocess.

It also claims to be a host, so apps see ``IsStatusNotifierHostRegistered = true``, and it
drops items whose bus name goes away. Prints "watcher ready" once it owns its name, then one
line per registration. Adapted from the shared desktop-testing kit.

dbus-next reads D-Bus signatures from string annotations ("s", "as"), so this file keeps them
as written (no ``from __future__ import annotations``, which would quote them twice).
"""
# ruff: noqa: F722, F821

import asyncio

from dbus_next import Message
from dbus_next.aio import MessageBus
from dbus_next.constants import PropertyAccess
from dbus_next.service import ServiceInterface, dbus_property, method, signal

# dbus-next does not pass the sender to @method handlers; a message handler records it first
_last_sender: dict[str, str] = {}


class Watcher(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.kde.StatusNotifierWatcher")
        self.items: list[str] = []

    @method()
    def RegisterStatusNotifierItem(self, service: "s") -> None:
        sender = _last_sender.get("sender", "")
        if service.startswith("/"):
            entry = sender + service  # libayatana passes an object path
        else:
            entry = service if "/" in service else service + "/StatusNotifierItem"
        if entry not in self.items:
            self.items.append(entry)
            print("registered", entry, flush=True)
            self.StatusNotifierItemRegistered(entry)

    @method()
    def RegisterStatusNotifierHost(self, service: "s") -> None:
        pass

    @dbus_property(access=PropertyAccess.READ)
    def RegisteredStatusNotifierItems(self) -> "as":
        return self.items

    @dbus_property(access=PropertyAccess.READ)
    def IsStatusNotifierHostRegistered(self) -> "b":
        return True

    @dbus_property(access=PropertyAccess.READ)
    def ProtocolVersion(self) -> "i":
        return 0

    @signal()
    def StatusNotifierItemRegistered(self, entry: str) -> "s":
        return entry

    @signal()
    def StatusNotifierItemUnregistered(self, entry: str) -> "s":
        return entry


async def main() -> None:
    bus = await MessageBus().connect()

    def spy(message: Message) -> None:
        if message.member == "RegisterStatusNotifierItem":
            _last_sender["sender"] = message.sender

    bus.add_message_handler(spy)
    watcher = Watcher()
    bus.export("/StatusNotifierWatcher", watcher)
    await bus.request_name("org.kde.StatusNotifierWatcher")

    def on_owner_changed(message: Message) -> None:
        if message.member == "NameOwnerChanged" and message.body[2] == "":
            for entry in [e for e in watcher.items if e.split("/")[0] == message.body[0]]:
                watcher.items.remove(entry)
                print("unregistered", entry, flush=True)
                watcher.StatusNotifierItemUnregistered(entry)

    await bus.call(
        Message(
            destination="org.freedesktop.DBus",
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
            member="AddMatch",
            signature="s",
            body=["type='signal',member='NameOwnerChanged'"],
        )
    )
    bus.add_message_handler(on_owner_changed)
    print("watcher ready", flush=True)
    await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main())
