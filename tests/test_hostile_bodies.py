"""Hostile 200s and error bodies: impossible numbers, wrong shapes, escape sequences, echoed tokens.

Parsing is checked directly; what a person sees is checked through the real ``status`` command
against a loopback server, and the "keep the last good numbers" rule through the real poller.
"""

from __future__ import annotations

import json
import random
from collections.abc import Hashable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claude_tray.api.client import UsageClient
from claude_tray.api.parse import parse_usage
from claude_tray.errors import AuthError, ResponseFormatError
from claude_tray.log import redact
from claude_tray.model import Health, SourceKind, UsageSnapshot
from claude_tray.poller.poller import Poller
from claude_tray.settings.model import Settings
from tests.support.clock import FakeClock
from tests.support.http import LoopbackServer, Reply
from tests.test_status_command import TOKEN, USAGE, login, status  # noqa: F401 - login is a fixture

AT = datetime(2030, 1, 1, tzinfo=UTC)  # a fixed instant handed to a pure function, not the clock
GOOD = {"five_hour": {"utilization": 48.0, "resets_at": None}, "seven_day": {"utilization": 17.0}}
WRONG = {"five_hour": {"utilization": "lots"}, "seven_day": [1, 2]}


def parse(body: object) -> UsageSnapshot:
    return parse_usage(body, account="a", source=SourceKind.CLI, fetched_at=AT)


@pytest.mark.parametrize("value", [-5, -0.001, 1000.5, 1e308, 10**400])
def test_an_impossible_utilization_is_dropped(value: float) -> None:
    body = {"five_hour": {"utilization": value}, "seven_day": {"utilization": 17.0}}
    assert [(w.key, w.utilization) for w in parse(body).windows] == [("seven_day", 17.0)]


@pytest.mark.parametrize("value", [0, 100, 250.5, 1000])
def test_a_plausible_utilization_is_kept(value: float) -> None:
    assert parse({"five_hour": {"utilization": value}}).windows[0].utilization == value


@pytest.mark.parametrize(
    "body",
    [WRONG, {"five_hour": {"utilization": -5}}, {"seven_day": "full"}, {"five_hour": {"utilization": 1e308}}],
)
def test_a_structurally_wrong_200_is_a_format_error(body: object) -> None:
    with pytest.raises(ResponseFormatError, match="no usable window"):
        parse(body)


@pytest.mark.parametrize("body", [{}, {"five_hour": None}, {"five_hour": {"utilization": None}}])
def test_a_body_without_numbers_is_still_no_data_not_an_error(body: object) -> None:
    assert parse(body).windows == ()


def test_escape_sequences_in_server_names_are_stripped() -> None:
    body = {"seven_day_\x1b[2Jevil\x07": {"utilization": 5.0}}
    [window] = parse(body).windows
    assert window.key == "seven_day_[2Jevil" and "\x1b" not in window.label and "\x07" not in window.label


def test_status_prints_no_escape_sequence_from_the_server(server: LoopbackServer, login: Path) -> None:  # noqa: F811
    body = {"five_hour": {"utilization": 40.0}, "seven_day_\x1b]0;pwned\x07\x1b[2J": {"utilization": 5.0}}
    server.script(USAGE, Reply(200, body=json.dumps(body).encode()))
    for args in ((), ("--json",)):
        run = status(server, *args)
        assert run.code == 0
        assert not any(ord(c) < 32 and c not in "\n" for c in run.stdout), repr(run.stdout)


def test_status_on_impossible_numbers_prints_no_absurd_percent(server: LoopbackServer, login: Path) -> None:  # noqa: F811
    body = {"five_hour": {"utilization": -5}, "seven_day": {"utilization": 1e308}}
    server.script(USAGE, Reply(200, body=json.dumps(body).encode()))
    run = status(server)
    assert "-5%" not in run.stdout and "e+308" not in run.stdout and "0000000" not in run.stdout
    assert run.code != 0 and "no usable window" in run.stdout + run.stderr


class _Fetcher:
    """The real client and parser behind the fetcher protocol."""

    name = "a"

    def __init__(self, client: UsageClient, clock: FakeClock) -> None:
        self._client, self._clock = client, clock

    def fetch(self) -> UsageSnapshot:
        data = self._client.oauth_usage(TOKEN)
        return parse_usage(data, account="a", source=SourceKind.CLI, fetched_at=self._clock.now())

    def fingerprint(self) -> Hashable:
        return 1


def test_a_wrong_200_after_a_good_one_is_error_and_keeps_the_numbers(
    server: LoopbackServer, clock: FakeClock
) -> None:
    server.script(
        USAGE, Reply(200, body=json.dumps(GOOD).encode()), Reply(200, body=json.dumps(WRONG).encode())
    )
    client = UsageClient(server.url, server.url, "", timeout=5.0, clock=clock)
    try:
        poller = Poller([_Fetcher(client, clock)], Settings(), clock=clock, rng=random.Random(1))
        poller.step()
        clock.advance(400)
        poller.step()
        [account] = poller.statuses()
    finally:
        client.close()
    assert server.count(USAGE) == 2
    assert account.health is Health.ERROR
    assert account.snapshot is not None
    assert [w.utilization for w in account.snapshot.windows] == [48.0, 17.0]


def test_a_401_echoing_the_token_without_its_prefix_is_masked(
    server: LoopbackServer, clock: FakeClock
) -> None:
    tail = TOKEN.removeprefix("sk-ant-oat01-")
    body = {"error": {"message": f"token {tail} is invalid (also {TOKEN.removeprefix('sk-ant-')})"}}
    server.script(USAGE, Reply(401, body=json.dumps(body).encode()))
    client = UsageClient(server.url, server.url, "", timeout=5.0, clock=clock)
    try:
        with pytest.raises(AuthError) as info:
            client.oauth_usage(TOKEN)
    finally:
        client.close()
    shown = f"{info.value} {info.value.server_message}"
    assert tail not in shown and "[redacted]" in shown
    assert tail not in redact(f"logged later: {tail}")


def test_status_with_a_token_that_cannot_travel_is_one_clear_line(
    server: LoopbackServer,
    login: Path,  # noqa: F811
) -> None:
    data = json.loads(login.read_text())
    data["claudeAiOauth"]["accessToken"] = "sk-ant-oat01-STATUS-E2E-\u2603-snowman"
    login.write_text(json.dumps(data))
    run = status(server)
    assert run.code == 1 and "Traceback" not in run.stderr
    assert "cannot be sent in an HTTP header" in run.stderr
    assert server.count(USAGE) == 0
