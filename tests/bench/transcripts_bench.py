"""Benchmark: context-window scanning over ~50 MB of synthetic Claude Code transcripts.

Builds a deterministic transcript tree (``projects/<project>/<session>.jsonl`` plus sub-agent
files, shaped like the CLI's own: alternating user/assistant lines with ``message.usage``,
tool_use/tool_result payloads of varying size and ~4 % duplicated assistant lines), then measures

* cold scan: a new :class:`TranscriptScanner` reading the whole tree for the first time;
* peak memory of the cold scan (tracemalloc) and the process's max RSS;
* the time for ``scan()`` to pick up one new assistant line appended to one session, also in
  trees of 60 and 600 session files (small ones), which shows whether it stays flat as people
  keep more sessions (the tray scans every 30 s);
* for scale, a naive full read (``json.loads`` of every assistant line, as peers do).

Run: ``.venv/bin/python tests/bench/transcripts_bench.py [--size-mb 50] [--seed 1] [--out DIR]``.
Prints a Markdown table; goals: cold <= 0.3 s, one new line <= 5 ms with 600 session files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from claude_tray.claude_code.transcripts import TranscriptScanner  # noqa: E402

MODELS = (("claude-opus-4-6", 0.35), ("claude-sonnet-4-5-20250929", 0.45), ("claude-haiku-4-5-20251001", 0.2))
WORDS = [
    "parse",
    "the",
    "file",
    "then",
    "read",
    "each",
    "line",
    "and",
    "sum",
    "the",
    "tokens",
    "per",
    "session",
    "before",
    "the",
    "cache",
    "expires",
    "while",
    "the",
    "reader",
    "keeps",
    "its",
    "offset",
    "so",
    "only",
    "appended",
    "bytes",
    "are",
    "read",
    "again",
]
END = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


class Generator:
    """Deterministic: every choice comes from one seeded Random, times from a fixed END."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def ident(self, prefix: str) -> str:
        return prefix + "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(24))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def model(self) -> str:
        roll, acc = self.rng.random(), 0.0
        for name, share in MODELS:
            acc += share
            if roll <= acc:
                return name
        return MODELS[0][0]

    def assistant(self, base: dict[str, object], tokens: int) -> dict[str, object]:
        created = self.rng.choice([0, 0, self.rng.randint(100, 8000)])
        usage = {
            "input_tokens": self.rng.randint(3, 40),
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": max(0, tokens - created),
            "output_tokens": self.rng.randint(20, 2500),
            "cache_creation": {"ephemeral_5m_input_tokens": created, "ephemeral_1h_input_tokens": 0},
            "service_tier": "standard",
        }
        if self.rng.random() < 0.6:
            content: list[dict[str, object]] = [{"type": "text", "text": self.text(10, 300)}]
        else:
            content = [
                {
                    "type": "tool_use",
                    "id": self.ident("toolu_"),
                    "name": "Bash",
                    "input": {"command": self.text(3, 40)},
                }
            ]
        message = {"id": self.ident("msg_01"), "type": "message", "role": "assistant", "model": self.model()}
        message |= {"content": content, "stop_reason": None, "usage": usage}
        return base | {
            "type": "assistant",
            "message": message,
            "requestId": self.ident("req_011C"),
            "uuid": self.uuid(),
        }

    def user(self, base: dict[str, object]) -> dict[str, object]:
        if self.rng.random() < 0.5:
            content: object = self.text(5, 60)
        else:
            content = [
                {"type": "tool_result", "tool_use_id": self.ident("toolu_"), "content": self.text(20, 600)}
            ]
        return base | {"type": "user", "message": {"role": "user", "content": content}, "uuid": self.uuid()}

    def session(
        self, session_id: str, cwd: str, start: datetime, sidechain: bool
    ) -> Iterator[dict[str, object]]:
        at, tokens = start, self.rng.randint(8000, 20000)
        while True:
            at += timedelta(seconds=self.rng.randint(5, 240))
            base = {"isSidechain": sidechain, "userType": "external", "cwd": cwd, "sessionId": session_id}
            base |= {
                "version": "2.1.72",
                "gitBranch": "main",
                "timestamp": at.isoformat().replace("+00:00", "Z"),
            }
            yield self.user(base)
            tokens = (
                tokens + self.rng.randint(200, 6000) if tokens < 180_000 else self.rng.randint(20000, 40000)
            )
            line = self.assistant(base, tokens)
            yield line
            if self.rng.random() < 0.04:  # one API response logged twice, as the CLI does
                yield line | {"uuid": self.uuid()}


def build(out: Path, size_mb: float, seed: int, sessions: int = 60) -> dict[str, int]:
    gen = Generator(seed)
    per_file = int(size_mb * 1024 * 1024) // sessions
    stats = {"files": 0, "bytes": 0, "lines": 0}
    for index in range(sessions):
        cwd = f"/home/user/src/project-{index % 6}"
        session_id = gen.uuid()
        folder = out / "projects" / cwd.replace("/", "-")
        start = END - timedelta(days=30) + timedelta(seconds=gen.rng.randint(0, 29 * 86400))
        targets = [(folder / f"{session_id}.jsonl", per_file, False)]
        if index % 5 == 0:  # some sessions ran sub-agents
            targets.append(
                (folder / session_id / "subagents" / f"agent-{gen.ident('')[:8]}.jsonl", per_file // 20, True)
            )
        for path, budget, sidechain in targets:
            path.parent.mkdir(parents=True, exist_ok=True)
            written = _write(path, gen.session(session_id, cwd, start, sidechain), budget, stats)
            stats["files"] += 1
            stats["bytes"] += written
    return stats


def _write(path: Path, lines: Iterator[dict[str, object]], budget: int, stats: dict[str, int]) -> int:
    chunks, written = [], 0
    for obj in lines:
        if written >= budget:
            break
        text = json.dumps(obj, separators=(",", ":")) + "\n"
        chunks.append(text)
        written += len(text.encode())
        stats["lines"] += 1
    path.write_text("".join(chunks), encoding="utf-8")
    return written


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def naive_full_read(root: Path) -> int:
    """What a whole-file reader pays: json.loads of every assistant line in every file."""
    count = 0
    for path in root.glob("projects/**/*.jsonl"):
        with path.open("rb") as fh:
            for line in fh:
                if b'"assistant"' in line:
                    json.loads(line)
                    count += 1
    return count


def append_one(path: Path, tokens: int, index: int) -> None:
    line = {
        "type": "assistant",
        "isSidechain": False,
        "cwd": "/home/user/src/project-0",
        "timestamp": (END + timedelta(seconds=index)).isoformat().replace("+00:00", "Z"),
        "requestId": f"req_bench_{index}",
        "message": {
            "id": f"msg_bench_{index}",
            "role": "assistant",
            "model": "claude-opus-4-6",
            "usage": {"input_tokens": tokens, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
        },
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, separators=(",", ":")) + "\n")


def cold_scan_rss_mb(root: Path) -> float:
    """Max RSS of a fresh interpreter that imports the scanner and does one cold scan."""
    code = "import sys; from claude_tray.claude_code.transcripts import TranscriptScanner as T; print(len(T(__import__('pathlib').Path(sys.argv[1])).scan()))"
    subprocess.run([sys.executable, "-c", code, str(root)], check=True, cwd=ROOT, capture_output=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def new_line_median(root: Path, repeats: int) -> float:
    """Median time for a warm scanner to pick up one appended assistant line."""
    scanner = TranscriptScanner(root)
    scanner.scan()
    target = next(iter(sorted(root.glob("projects/*/*.jsonl"))))
    increments = []
    for index in range(repeats):
        append_one(target, 300_000 + index, index)
        increments.append(timed(scanner.scan))
        picked = {s.session_id: s.context_tokens for s in scanner.scan()}
        assert picked[target.stem] == 300_000 + index, "the new line was not picked up"
    return statistics.median(increments)


def stat_walk(root: Path) -> int:
    """The floor of noticing an append without an OS watcher: scandir every dir, stat every file."""
    count = 0
    stack = [str(root / "projects")]
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                if entry.is_dir():
                    stack.append(entry.path)
                elif entry.name.endswith(".jsonl"):
                    entry.stat()
                    count += 1
    return count


def scaling(seed: int, repeats: int, counts: tuple[int, ...] = (60, 600)) -> dict[int, tuple[float, float]]:
    """One new line in trees of ``counts`` session files of ~40 KB each, and the stat-walk floor."""
    result = {}
    for count in counts:
        root = Path(tempfile.mkdtemp(prefix=f"transcripts-scale-{count}-"))
        try:
            build(root, count * 0.04, seed, sessions=count)
            floor = statistics.median(timed(lambda root=root: stat_walk(root)) for _ in range(repeats))
            result[count] = (new_line_median(root, repeats), floor)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return result


def measure(root: Path, repeats: int, sessions: int) -> dict[str, float]:
    cold = [timed(TranscriptScanner(root).scan) for _ in range(repeats)]
    assert len(TranscriptScanner(root).scan()) == sessions, "a session was missed"
    tracemalloc.start()
    TranscriptScanner(root).scan()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    scanner = TranscriptScanner(root)
    scanner.scan()
    target = next(iter(sorted(root.glob("projects/*/*.jsonl"))))
    increments = []
    for index in range(repeats * 4):
        append_one(target, 300_000 + index, index)
        increments.append(timed(scanner.scan))
        picked = {s.session_id: s.context_tokens for s in scanner.scan()}
        assert picked[target.stem] == 300_000 + index, "the new line was not picked up"
    return {
        "cold_median": statistics.median(cold),
        "cold_max": max(cold),
        "peak_mb": peak / 2**20,
        "new_line_median": statistics.median(increments),
        "new_line_max": max(increments),
        "rss_mb": cold_scan_rss_mb(root),
        "naive": min(timed(lambda: naive_full_read(root)) for _ in range(3)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, help="keep the generated tree here (default: a temp dir)")
    args = parser.parse_args(argv)
    root = args.out or Path(tempfile.mkdtemp(prefix="transcripts-bench-"))
    try:
        stats = build(root, args.size_mb, args.seed)
        result = measure(root, args.repeats, sessions=60)
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)
    scale = scaling(args.seed, args.repeats * 8)
    machine = f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs"
    files = f"{stats['files']} files, {stats['bytes'] / 2**20:.1f} MiB, {stats['lines']} lines"
    print(f"{machine}; {files}, seed {args.seed}; page cache warm")
    print("| Measure | Result | Goal |\n|---|---|---|")
    print(
        f"| Cold scan (median / max of {args.repeats}) | {result['cold_median'] * 1000:.1f} / {result['cold_max'] * 1000:.1f} ms | <= 300 ms |"
    )
    print(
        f"| Pick up one new line (median / max of {args.repeats * 4}) | {result['new_line_median'] * 1000:.2f} / {result['new_line_max'] * 1000:.2f} ms | <= 5 ms |"
    )
    for count, (median, floor) in scale.items():
        print(
            f"| Pick up one new line among {count} session files of ~40 KB (median of {args.repeats * 8}) | {median * 1000:.2f} ms | <= 5 ms |"
        )
        print(
            f"| Floor for {count} files: scandir every dir + stat every file, nothing else | {floor * 1000:.2f} ms | |"
        )
    print(f"| Peak Python memory during a cold scan (tracemalloc) | {result['peak_mb']:.2f} MiB | |")
    print(f"| Max RSS of a fresh process doing one cold scan (ru_maxrss) | {result['rss_mb']:.1f} MiB | |")
    print(f"| For scale: naive full read of every assistant line | {result['naive'] * 1000:.0f} ms | |")
    ok = (
        result["cold_max"] <= 0.3
        and result["new_line_median"] <= 0.005
        and max(m for m, _ in scale.values()) <= 0.005
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
