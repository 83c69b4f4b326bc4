"""Benchmark: how long the CLI paths people (and Claude Code) wait for take to start and finish.

Everything runs from a clean venv built the way pipx builds one (``python -m venv`` without
system site packages, then ``pip install`` of this checkout, not editable), against ``python -c
pass`` from the same venv, with the runs interleaved (one of each row per round) and medians
reported, so a busy machine slows every row alike. Rows:

* ``python -c pass``: the floor every Python program pays;
* a stdlib script doing the status line's job (parse, write the record atomically, print): the
  floor of that path;
* ``claude-tray statusline`` with a real-shaped payload on stdin (Claude Code runs it every turn);
* ``claude-tray --version`` and ``--help``;
* ``claude-tray status --json`` for a ``source = "statusline"`` account with a fresh record (no
  HTTP), and for a Claude Code login read through a 127.0.0.1 usage API (``tests/support/http.py``
  serving a real response body).

Each run's exit status and output are checked once, and the number of modules each row imports
is counted (``PYTHONPROFILEIMPORTTIME``). Nothing outside the temporary directory is touched.

Run: ``python3 tests/bench/cli_speed.py [--runs 31] [--venv DIR] [--before CHECKOUT]``
(``--venv`` reuses or keeps a venv, without it one is built in a temporary directory;
``--before`` installs an earlier checkout into a second clean venv and runs its claude-tray rows
in the same rounds, for a "Before" column). Prints the Markdown table the README quotes; exits 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.http import LoopbackServer, Reply  # noqa: E402

USAGE_BODY = (
    ROOT / "tests/fixtures/api/usage/leonardocouy__claudometer__src-tauri_src_fixtures_oauth_usage_ok.json"
)

# The stdlib floor of the status-line job: read the JSON, write one record atomically, print a line.
FLOOR = """
import json, os, sys
from datetime import UTC, datetime
data = json.loads(sys.stdin.buffer.read())
five = data["rate_limits"]["five_hour"]
root = os.path.join(os.environ["XDG_STATE_HOME"], "floor")
os.makedirs(root, exist_ok=True)
tmp = os.path.join(root, ".record.tmp")
with open(tmp, "w") as fh:
    json.dump({"written_at": datetime.now(UTC).isoformat(), "five_hour": five}, fh)
os.replace(tmp, os.path.join(root, "record.json"))
left = int(five["resets_at"] - datetime.now(UTC).timestamp())
sys.stdout.write(f"5h {five['used_percentage']}% ({left // 3600}h {left % 3600 // 60}m)\\n")
"""


@dataclass
class Row:
    name: str
    argv: list[str]
    target: float | None = None  # x python -c pass
    stdin: bytes = b""
    env: dict[str, str] = field(default_factory=dict)
    expect: bytes = b""  # must appear in stdout
    times: list[float] = field(default_factory=list)
    modules: int = 0


def build_venv(venv: Path, source: Path = ROOT) -> Path:
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if (venv / "bin" / "claude-tray").exists():  # reused: dependencies stay, this checkout is reinstalled
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(source)], check=True)
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([*pip, str(source)], check=True)
    config = subprocess.run(
        [str(python), "-c", "import sys; print(sys.base_prefix != sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert config.stdout.strip() == "True", "not a venv"
    cfg = (venv / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg, "the venv must not see system site packages"
    return python


def home_env(base: Path) -> dict[str, str]:
    home = base / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "XDG_", "PYTHON"))}
    env["HOME"] = str(home)
    for name, sub in (("CONFIG", ".config"), ("DATA", ".local/share"), ("STATE", ".local/state")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(home / sub)
    env["XDG_CACHE_HOME"] = str(home / ".cache")
    return env


def payload(now: datetime) -> bytes:
    resets = {"five_hour": timedelta(hours=2, minutes=14), "seven_day": timedelta(days=3, hours=4)}
    limits = {
        key: {"used_percentage": used, "resets_at": int((now + delta).timestamp())}
        for (key, delta), used in zip(resets.items(), (42, 81.5), strict=True)
    }
    data = {
        "session_id": "b1f7c2de-0000-4000-8000-000000000001",
        "model": {"id": "claude-opus-4-6", "display_name": "Opus 4.6"},
        "workspace": {"current_dir": "/home/user/src/project", "project_dir": "/home/user/src/project"},
        "version": "2.1.90",
        "cost": {"total_cost_usd": 0.42, "total_duration_ms": 120000},
        "rate_limits": limits,
    }
    return json.dumps(data).encode()


def write_login(config: Path, now: datetime) -> None:
    config.mkdir(parents=True, exist_ok=True)
    oauth = {
        "accessToken": "sk-ant-oat01-BENCH-TOKEN-0123456789",
        "expiresAt": int((now + timedelta(days=30)).timestamp() * 1000),
        "scopes": ["user:inference", "user:profile"],
    }
    path = config / ".credentials.json"
    path.write_text(json.dumps({"claudeAiOauth": oauth}))
    path.chmod(0o600)


def rows(python: Path, base: Path, env: dict[str, str], api_url: str) -> list[Row]:
    tray = str(python.parent / "claude-tray")
    home = Path(env["HOME"])
    now = datetime.now(UTC)
    feed_dir, api_dir = home / ".claude", home / ".claude-api"
    write_login(api_dir, now)
    record_cfg, api_cfg = base / "record.toml", base / "api.toml"
    record_cfg.write_text(f'[[accounts]]\nname = "feed"\nsource = "statusline"\nconfig_dir = "{feed_dir}"\n')
    api_cfg.write_text(f'[[accounts]]\nname = "api"\nsource = "cli"\nconfig_dir = "{api_dir}"\n')
    api_env = {"CLAUDE_TRAY_CONFIG": str(api_cfg), "CLAUDE_TRAY_API_BASE": api_url}
    stdin = payload(now)
    return [
        Row("`python -c pass`", [str(python), "-c", "pass"]),
        Row("stdlib script doing the status line's job (floor)", [str(python), "-c", FLOOR], stdin=stdin, expect=b"5h 42%"),
        Row("`claude-tray statusline`", [tray, "statusline", "--config-dir", str(feed_dir)], 2.5, stdin, expect=b"5h 42% ("),
        Row("`claude-tray --version`", [tray, "--version"], 2.0, expect=b"claude-tray "),
        Row("`claude-tray --help`", [tray, "--help"], 2.0, expect=b"statusline"),
        Row("`status --json`, fresh status-line record (no HTTP)", [tray, "status", "--json"], 5.0, env={"CLAUDE_TRAY_CONFIG": str(record_cfg)}, expect=b'"accounts"'),
        Row("`status --json` via the 127.0.0.1 usage API", [tray, "status", "--json"], 8.0, env=api_env, expect=b'"health": "fresh"'),
    ]  # fmt: skip


def before_rows(python: Path, base: Path, env: dict[str, str], api_url: str) -> list[Row]:
    """The claude-tray rows again, run by an earlier checkout's venv (same home, same server)."""
    return [row for row in rows(python, base, env, api_url) if row.target is not None]


def run_once(
    row: Row, env: dict[str, str], extra: dict[str, str] | None = None
) -> tuple[float, bytes, bytes]:
    started = time.perf_counter()
    done = subprocess.run(
        row.argv, input=row.stdin, capture_output=True, env={**env, **row.env, **(extra or {})}, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or row.expect not in done.stdout:
        raise SystemExit(f"{row.name}: exit {done.returncode}\n{done.stdout[:400]!r}\n{done.stderr[-800:]!r}")
    return elapsed, done.stdout, done.stderr


def count_modules(row: Row, env: dict[str, str]) -> int:
    _, _, stderr = run_once(row, env, {"PYTHONPROFILEIMPORTTIME": "1"})
    return sum(1 for line in stderr.splitlines() if line.startswith(b"import time:") and b"|" in line) - 1


def measure(all_rows: list[Row], env: dict[str, str], runs: int) -> None:
    for row in all_rows:  # warm the page cache and the .pyc files
        run_once(row, env)
        row.modules = count_modules(row, env)
    for index in range(runs):
        shift = index % len(all_rows)  # rotate the order so no row always runs after the same one
        for row in all_rows[shift:] + all_rows[:shift]:
            row.times.append(run_once(row, env)[0])


def table(all_rows: list[Row], before: list[Row]) -> tuple[str, bool]:
    base = statistics.median(all_rows[0].times)
    earlier = {row.name: row for row in before}
    extra = ("", "") if not before else (" Before |", "---|")
    lines = [
        f"| Path | Median | x `python -c pass` | Modules imported |{extra[0]} Target | Met |",
        f"|---|---|---|---|{extra[1]}---|---|",
    ]
    ok = True
    for row in all_rows:
        median = statistics.median(row.times)
        ratio = median / base
        met = "" if row.target is None else ("yes" if ratio <= row.target else "**no**")
        ok &= row.target is None or ratio <= row.target
        target = "" if row.target is None else f"<= {row.target:g}x"
        was = ""
        if before:
            old = earlier.get(row.name)
            was = f" {statistics.median(old.times) / base:.2f}x, {old.modules} modules |" if old else " |"
        lines.append(
            f"| {row.name} | {median * 1000:.1f} ms | {ratio:.2f}x | {row.modules} |{was} {target} | {met} |"
        )
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31, help="rounds (each runs every row once)")
    parser.add_argument("--venv", type=Path, help="reuse (or build and keep) the clean venv here")
    parser.add_argument(
        "--before",
        type=Path,
        metavar="CHECKOUT",
        help="also run an earlier checkout (e.g. `git archive <ref> | tar -x -C /tmp/before`) in the same rounds",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cli-speed-") as tmp:
        base = Path(tmp)
        python = build_venv(args.venv or base / "venv")
        env = home_env(base)
        with LoopbackServer() as server:
            server.script("/api/oauth/usage", Reply(200, body=USAGE_BODY.read_bytes()))
            all_rows = rows(python, base, env, server.url)
            before: list[Row] = []
            if args.before:
                before = before_rows(
                    build_venv(base / "before", args.before.resolve()), base, env, server.url
                )
            measure(all_rows + before, env, args.runs)
            assert server.count("/api/oauth/usage") >= args.runs, "the API row did not reach the server"
        version = subprocess.run(
            [str(python), "-VV"], capture_output=True, text=True, check=True
        ).stdout.strip()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{version}; {platform.machine()}, {os.cpu_count()} CPUs, load {load:.1f}; median of {args.runs} interleaved rounds"
    )
    text, ok = table(all_rows, before)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
