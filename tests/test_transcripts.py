"""Context window per session, read incrementally from real-shaped transcript files."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_tray.claude_code.context import (
    SessionContext,
    context_limit,
    select_active,
    session_json,
    session_label,
    session_menu_lines,
)
from claude_tray.claude_code.transcripts import TranscriptScanner
from tests.support.fixtures import fixture_bytes

REAL = "transcripts/bitflight-devops__hallucination-detector__tests_hallucination-audit-stop.test.cjs__VERBATIM_JSONL_LINES.jsonl"
EDGE = "transcripts/daaain__claude-code-log__test_test_data_edge_cases.jsonl"
ALPHA = "transcripts/ryoppippi__ccusage__apps_ccusage_test_fixtures_claude_projects_project-alpha_session-alpha_chat.jsonl"
BETA = "transcripts/ryoppippi__ccusage__apps_ccusage_test_fixtures_claude_projects_project-beta_session-beta_chat.jsonl"
MINIMAL = "transcripts/ryoppippi__ccusage__apps_ccusage_test_test-transcript.jsonl"


def session_file(config: Path, session: str, project: str = "-home-me-proj") -> Path:
    path = config / "projects" / project / f"{session}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def assistant(
    tokens: int, *, key: str | None = "a", at: str = "2026-03-11T16:00:00Z", **extra: object
) -> bytes:
    message: dict[str, object] = {
        "role": "assistant",
        "model": extra.pop("model", "claude-opus-4-6"),
        "usage": {
            "input_tokens": 1,
            "cache_creation_input_tokens": 9,
            "cache_read_input_tokens": tokens - 10,
        },
    }
    line: dict[str, object] = {
        "type": "assistant",
        "cwd": "/home/me/proj",
        "timestamp": at,
        "message": message,
    }
    if key is not None:
        message["id"] = f"msg_{key}"
        line["requestId"] = f"req_{key}"
    line.update(extra)
    return json.dumps(line).encode() + b"\n"


def by_id(scanner: TranscriptScanner) -> dict[str, SessionContext]:
    return {s.session_id: s for s in scanner.scan()}


def test_real_claude_code_lines(tmp_path: Path) -> None:
    path = session_file(tmp_path, "8427ae52", "-home-ubuntulinuxqa2-repos-hallucination-detector")
    path.write_bytes(fixture_bytes(REAL))
    [ctx] = TranscriptScanner(tmp_path).scan()
    # latest assistant line (msg_01Xew6..., line 7): input 3 + cache_creation 896 + cache_read 82371
    assert ctx.context_tokens == 3 + 896 + 82371
    assert (ctx.model, ctx.context_limit, ctx.project) == (
        "claude-opus-4-6",
        1_000_000,
        "hallucination-detector",
    )
    assert ctx.fill == pytest.approx(8.327)
    assert session_label(ctx) == "hallucination-detector · Opus · 8% of 1M"


def test_real_lines_read_one_by_one_give_the_same_answer(tmp_path: Path) -> None:
    path = session_file(tmp_path, "s")
    scanner = TranscriptScanner(tmp_path)
    for line in fixture_bytes(REAL).splitlines(keepends=True):
        with path.open("ab") as fh:
            fh.write(line)
        scanner.scan()
    assert by_id(scanner)["s"].context_tokens == 83270


def test_peer_edge_cases_are_skipped_not_fatal(tmp_path: Path) -> None:
    """Bare-string messages, misspelled keys, JSON scalars and an out-of-order old line."""
    path = session_file(tmp_path, "edge")
    scanner = TranscriptScanner(tmp_path)
    scanner.scan()
    path.write_bytes(fixture_bytes(EDGE))
    ctx = by_id(scanner)["edge"]
    # the last assistant line in the file is msg_004: input 168, no cache fields (missing = 0)
    assert (ctx.context_tokens, ctx.model, ctx.project) == (168, "claude-sonnet-4", "tmp")


@pytest.mark.parametrize(
    ("fixture", "tokens", "model", "limit"),
    [
        (ALPHA, 300 + 0 + 40, "claude-sonnet-4-20250514", 200_000),  # no "type" key, only role
        (BETA, 80 + 10 + 25, "claude-haiku-4-5-20251001", 200_000),
        (MINIMAL, 2000 + 200 + 800, "", 200_000),  # no ids, no model, no cwd
    ],
)
def test_minimal_peer_shapes(tmp_path: Path, fixture: str, tokens: int, model: str, limit: int) -> None:
    session_file(tmp_path, "s", "-x-proj-beta").write_bytes(fixture_bytes(fixture))
    [ctx] = TranscriptScanner(tmp_path).scan()
    assert (ctx.context_tokens, ctx.model, ctx.context_limit) == (tokens, model, limit)
    assert ctx.project  # a cwd-less line falls back to the project directory name


def test_half_written_last_line_is_kept_for_next_time(tmp_path: Path) -> None:
    path = session_file(tmp_path, "s")
    path.write_bytes(assistant(1000, key="a"))
    scanner = TranscriptScanner(tmp_path)
    assert by_id(scanner)["s"].context_tokens == 1000
    line = assistant(5000, key="b", at="2026-03-11T16:01:00Z")
    with path.open("ab") as fh:
        fh.write(line[:40])
    assert by_id(scanner)["s"].context_tokens == 1000
    with path.open("ab") as fh:
        fh.write(line[40:])
    assert by_id(scanner)["s"].context_tokens == 5000


def test_cold_read_of_a_file_ending_in_a_partial_line(tmp_path: Path) -> None:
    path = session_file(tmp_path, "s")
    partial = assistant(9000, key="b", at="2026-03-11T16:01:00Z")
    path.write_bytes(assistant(1000) + b"not json at all\n" + partial[:-20])
    scanner = TranscriptScanner(tmp_path)
    assert by_id(scanner)["s"].context_tokens == 1000
    with path.open("ab") as fh:
        fh.write(partial[-20:])
    assert by_id(scanner)["s"].context_tokens == 9000


def test_only_appended_bytes_are_parsed(tmp_path: Path) -> None:
    """After the first read, bytes before the offset are never looked at again."""
    path = session_file(tmp_path, "s")
    first = assistant(1_000_000, key="a")
    path.write_bytes(first)
    scanner = TranscriptScanner(tmp_path)
    assert by_id(scanner)["s"].context_tokens == 1_000_000
    # Rewrite the already-read line in place (same inode, same size) as a bigger chunk of the
    # message appended next. Re-reading from 0 would keep the bigger one (900k); reading only
    # the new bytes sees 2000.
    rewritten = assistant(900_000, key="b")
    assert len(rewritten) == len(first)
    with path.open("r+b") as fh:
        fh.write(rewritten)
        fh.write(assistant(2000, key="b"))
    assert by_id(scanner)["s"].context_tokens == 2000


def test_truncation_and_rotation_trigger_a_rescan(tmp_path: Path) -> None:
    path = session_file(tmp_path, "s")
    path.write_bytes(assistant(1000, key="a") + assistant(150_000, key="b", at="2026-03-11T16:01:00Z"))
    scanner = TranscriptScanner(tmp_path)
    assert by_id(scanner)["s"].context_tokens == 150_000
    path.write_bytes(assistant(3000, key="c"))  # truncated in place: smaller than the offset
    assert by_id(scanner)["s"].context_tokens == 3000
    replacement = path.with_name("new.tmp")
    replacement.write_bytes(assistant(4000, key="d") * 3 + assistant(4321, key="e"))
    replacement.replace(path)  # rotated: a new inode, larger than before
    assert by_id(scanner)["s"].context_tokens == 4321
    path.unlink()
    assert by_id(scanner) == {}


def test_duplicates_keep_the_larger_and_replays_are_dropped(tmp_path: Path) -> None:
    path = session_file(tmp_path, "s")
    path.write_bytes(assistant(5000, key="a"))
    scanner = TranscriptScanner(tmp_path)
    scanner.scan()
    with path.open("ab") as fh:
        fh.write(assistant(5200, key="a"))  # the same response streamed again, bigger
        fh.write(assistant(4000, key="a"))  # and a smaller chunk of it
    assert by_id(scanner)["s"].context_tokens == 5200
    with path.open("ab") as fh:
        fh.write(assistant(6000, key="b", at="2026-03-11T16:02:00Z"))
        fh.write(assistant(5200, key="a", at="2026-03-11T16:03:00Z"))  # a replay of the older message
    assert by_id(scanner)["s"].context_tokens == 6000


def test_synthetic_sidechain_and_error_lines_do_not_count(tmp_path: Path) -> None:
    path = session_file(tmp_path, "s")
    path.write_bytes(
        assistant(1000, key="a")
        + assistant(9, key="b", model="<synthetic>", at="2026-03-11T16:01:00Z")
        + assistant(50_000, key="c", isSidechain=True, at="2026-03-11T16:02:00Z")
        + assistant(7, key="d", isApiErrorMessage=True, at="2026-03-11T16:03:00Z")
        + b'{"type":"assistant","message":"just a string"}\n'
        + b'["assistant"]\n'
    )
    assert by_id(TranscriptScanner(tmp_path))["s"].context_tokens == 1000


def test_window_switches_to_1m_once_fill_passes_200k(tmp_path: Path) -> None:
    path = session_file(tmp_path, "s")
    path.write_bytes(assistant(150_000, key="a", model="claude-sonnet-4-5-20250929"))
    scanner = TranscriptScanner(tmp_path)
    assert by_id(scanner)["s"].context_limit == 200_000
    with path.open("ab") as fh:
        fh.write(assistant(250_000, key="b", model="claude-sonnet-4-5-20250929", at="2026-03-11T16:01:00Z"))
    ctx = by_id(scanner)["s"]
    assert (ctx.context_limit, ctx.fill) == (1_000_000, 25.0)
    with path.open("ab") as fh:  # compacted back below 200k: the window stays 1M
        fh.write(assistant(40_000, key="c", model="claude-sonnet-4-5-20250929", at="2026-03-11T16:02:00Z"))
    assert by_id(scanner)["s"].context_limit == 1_000_000


@pytest.mark.parametrize(
    ("model", "limit"),
    [
        ("claude-opus-4-6", 1_000_000),
        ("claude-opus-4-8", 1_000_000),
        ("claude-sonnet-4-6", 1_000_000),
        ("claude-fable-1", 1_000_000),
        ("claude-opus-4-6[1m]", 1_000_000),
        ("claude-sonnet-4-5-20250929[1m]", 1_000_000),
        ("claude-opus-4-5-20251101", 200_000),
        ("claude-opus-4-1-20250805", 200_000),
        ("claude-opus-4-20250514", 200_000),
        ("claude-sonnet-4-20250514", 200_000),
        ("claude-haiku-4-5-20251001", 200_000),
        ("claude-3-sonnet-20240229", 200_000),
        ("something-else", 200_000),
        ("", 200_000),
    ],
)
def test_window_sizes_from_the_model_table(model: str, limit: int) -> None:
    assert context_limit(model, 10_000) == limit


def test_subagent_files_keep_their_session_active(tmp_path: Path) -> None:
    main = session_file(tmp_path, "s1")
    main.write_bytes(assistant(100_000, key="a"))
    agent = main.parent / "s1" / "subagents" / "agent-1.jsonl"
    agent.parent.mkdir(parents=True)
    agent.write_bytes(assistant(900_000, key="x", isSidechain=True))
    other = session_file(tmp_path, "s2")
    other.write_bytes(assistant(300_000, key="b"))
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    old = (now - timedelta(hours=2)).timestamp()
    for path, when in ((main, old), (agent, (now - timedelta(minutes=5)).timestamp()), (other, old)):
        os.utime(path, (when, when))
    scanner = TranscriptScanner(tmp_path)
    [active] = scanner.active_sessions(now)
    assert (active.session_id, active.context_tokens) == ("s1", 100_000)  # side-chain never counts
    assert active.last_activity == now - timedelta(minutes=5)
    assert len(scanner.active_sessions(now, within=timedelta(hours=3))) == 2


def test_a_warm_scanner_follows_activity_and_sessions_coming_and_going(tmp_path: Path) -> None:
    """Between scans only what changed is rebuilt, but every change still shows."""
    main = session_file(tmp_path, "s1")
    main.write_bytes(assistant(100_000, key="a"))
    gone = session_file(tmp_path, "s2", "-home-me-other")
    gone.write_bytes(assistant(200_000, key="b"))
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    for path in (main, gone):
        os.utime(path, (base.timestamp(), base.timestamp()))
    scanner = TranscriptScanner(tmp_path)
    first = by_id(scanner)
    assert by_id(scanner)["s1"] is first["s1"]  # nothing changed: the same value, not a rebuilt one
    agent = main.parent / "s1" / "subagents" / "agent-1.jsonl"
    agent.parent.mkdir(parents=True)
    agent.write_bytes(assistant(900_000, key="x", isSidechain=True))
    later = base + timedelta(minutes=20)
    os.utime(agent, (later.timestamp(), later.timestamp()))
    second = by_id(scanner)
    assert (second["s1"].last_activity, second["s1"].context_tokens) == (later, 100_000)
    gone.unlink()  # one session removed and another written in the same interval
    session_file(tmp_path, "s3", "-home-me-other").write_bytes(assistant(5000, key="c"))
    assert {k: v.context_tokens for k, v in by_id(scanner).items()} == {"s1": 100_000, "s3": 5000}


def test_active_sessions_sorted_by_fill() -> None:
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

    def ctx(sid: str, fill: float, minutes_ago: int) -> SessionContext:
        return SessionContext(
            sid,
            "p",
            "claude-opus-4-6",
            int(fill * 10_000),
            1_000_000,
            fill,
            now - timedelta(minutes=minutes_ago),
        )

    picked = select_active([ctx("a", 10, 1), ctx("b", 62, 29), ctx("c", 90, 31), ctx("d", 40, 0)], now)
    assert [s.session_id for s in picked] == ["b", "d", "a"]
    assert session_label(picked[0]) == "p · Opus · 62% of 1M"
    assert session_json(picked[0]) == {
        "session_id": "b",
        "project": "p",
        "model": "claude-opus-4-6",
        "context_tokens": 620_000,
        "context_limit": 1_000_000,
        "fill": 62.0,
        "last_activity": "2026-11-22T11:31:00+00:00",
    }


def test_missing_config_dir_is_no_sessions(tmp_path: Path) -> None:
    assert TranscriptScanner(tmp_path / "absent").scan() == ()


def test_menu_section_lists_active_sessions_under_the_accounts() -> None:
    from claude_tray.settings.model import Settings
    from claude_tray.tray.menu import SEPARATOR, MenuContribution
    from claude_tray.tray.view import build_view, sessions_section

    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    sessions = [
        SessionContext("a", "claude-tray", "claude-opus-4-6", 620_000, 1_000_000, 62.0, now),
        SessionContext("b", "website", "claude-sonnet-4-5-20250929", 50_000, 200_000, 25.0, now),
    ]
    labels = [
        e.label
        for e in build_view(
            [], Settings(), now, menu=MenuContribution(sections=(sessions_section(sessions),))
        ).menu
    ]
    start = labels.index("Context windows (estimated)")
    assert labels[start + 1 : start + 3] == [
        "claude-tray · Opus · 62% of 1M",
        "website · Sonnet · 25% of 200k",
    ]
    assert labels[start - 1] == SEPARATOR.label
    assert "Context windows (estimated)" not in [e.label for e in build_view([], Settings(), now).menu]
    many = [SessionContext(str(i), "p", "claude-opus-4-6", 1, 1_000_000, 0.0, now) for i in range(10)]
    assert session_menu_lines(many)[-1] == "… and 2 more"
