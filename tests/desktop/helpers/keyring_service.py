"""A real Secret Service for tests: gnome-keyring on a private D-Bus session, or a bus with none.

Recipe from ``docs/desktop-testing.md`` §6 and §12. Each test gets its own bus (so a keyring
locked by one test, or a prompter's DISPLAY, never leaks into the next), and every process is
started here and stopped by its PID (terminate, then kill after 3 s). A missing executable skips
the test. Use the fixtures by importing them into a test module or a conftest::

    from tests.desktop.helpers.keyring_service import bare_bus, private_bus, secret_service
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.helpers.processes import missing, stop_process

SECRETS_NAME = "org.freedesktop.secrets"
PASSWORD = b"test"  # the throwaway login keyring's password
# Pins keyring in child processes: a broken Secret Service must fail loudly, not fall back
PIN_SECRET_SERVICE = {"PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}


def require(*executables: str) -> None:
    absent = missing(*executables)
    if absent:
        pytest.skip(f"missing executables: {', '.join(absent)}")


def start_bus(config: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    """A dbus-daemon (a normal session bus, or one with ``config``); returns it and its address."""
    where = [f"--config-file={config}"] if config else ["--session"]
    proc = subprocess.Popen(
        ["dbus-daemon", *where, "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def bare_bus_config(directory: Path) -> Path:
    """A session bus configuration with no service directories: nothing can be activated."""
    config = directory / "session-bare.conf"
    config.write_text(
        '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"\n'
        ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
        "<busconfig><type>session</type>"
        f"<listen>unix:tmpdir={directory}</listen><auth>EXTERNAL</auth>"
        '<policy context="default"><allow send_destination="*" eavesdrop="true"/>'
        '<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n'
    )
    return config


def has_owner(name: str) -> bool:
    """``NameHasOwner`` on the session bus named by ``$DBUS_SESSION_BUS_ADDRESS``."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress(
        "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus"
    )
    with open_dbus_connection(bus="SESSION") as connection:
        reply = connection.send_and_get_reply(new_method_call(bus, "NameHasOwner", "s", (name,)), timeout=5)
    return bool(reply.body[0])


def start_gnome_keyring(timeout: float = 10.0) -> subprocess.Popen[bytes]:
    """gnome-keyring-daemon with a fresh, unlocked "login" collection in ``$XDG_DATA_HOME``."""
    proc = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None
    proc.stdin.write(PASSWORD)
    proc.stdin.close()
    deadline = time.monotonic() + timeout
    while not has_owner(SECRETS_NAME):  # a condition with a deadline, not a fixed sleep
        if time.monotonic() > deadline or proc.poll() is not None:
            stop_process(proc)
            raise AssertionError(f"gnome-keyring did not take {SECRETS_NAME} within {timeout:g} s")
        time.sleep(0.02)
    return proc


@contextlib.contextmanager
def prompts_fail_at_once() -> Iterator[None]:
    """Hide DISPLAY from bus-activated prompters, so "unlock?" fails instead of waiting for a person."""
    subprocess.run(["dbus-update-activation-environment", "DISPLAY="], check=False, capture_output=True)
    try:
        yield
    finally:
        if os.environ.get("DISPLAY"):
            subprocess.run(
                ["dbus-update-activation-environment", "DISPLAY"], check=False, capture_output=True
            )


def lock_default_collection() -> None:
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        secretstorage.get_default_collection(connection).lock()
    finally:
        connection.close()


def stored_items(service: str) -> list[tuple[dict[str, str], bytes]]:
    """Every item with this ``service`` attribute, read directly over the Secret Service API."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        items = [
            (dict(i.get_attributes()), i.get_secret()) for i in collection.search_items({"service": service})
        ]
    finally:
        connection.close()
    return sorted(items, key=lambda pair: sorted(pair[0].items()))


@pytest.fixture
def private_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A session bus for this test only; services it activates die with it."""
    require("dbus-daemon")
    proc, address = start_bus()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    stop_process(proc)


@pytest.fixture
def secret_service(private_bus: str) -> Iterator[subprocess.Popen[bytes]]:
    """An unlocked gnome-keyring on the private bus; its files live in the test's HOME."""
    require("gnome-keyring-daemon", "dbus-update-activation-environment")
    proc = start_gnome_keyring()
    yield proc
    stop_process(proc)


@pytest.fixture
def bare_bus(tmp_path: Path) -> Iterator[str]:
    """The address of a bus where nothing provides or can activate a Secret Service."""
    require("dbus-daemon")
    proc, address = start_bus(bare_bus_config(tmp_path))
    yield address
    stop_process(proc)
