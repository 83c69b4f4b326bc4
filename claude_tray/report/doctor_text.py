"""Doctor's report as people read it (aligned lines with marks and hints, a verdict) and as JSON."""

from __future__ import annotations

from claude_tray.i18n import _, ngettext
from claude_tray.report.doctor import Level, Report
from claude_tray.report.wording import columns, pad

__all__ = ["format_report", "report_json"]

_MARKS = {Level.OK: "ok", Level.INFO: "--", Level.WARN: "!!", Level.FAIL: "XX"}


def format_report(report: Report) -> str:
    """Aligned lines, ``ok``/``--``/``!!``/``XX`` marks, hints indented below, a verdict last."""
    width = max(columns(f.topic) for f in report.findings)
    lines = []
    for finding in report.findings:
        lines.append(f"{_MARKS[finding.level]}  {pad(finding.topic, width)}  {finding.text}")
        if finding.hint:
            lines.append(f"    {' ' * width}  -> {finding.hint}")
    failed = sum(f.level is Level.FAIL for f in report.findings)
    problems = ngettext("{count} problem to fix (marked XX)", "{count} problems to fix (marked XX)", failed)
    verdict = _("everything needed is present") if report.ok else problems.format(count=failed)
    return "\n".join([*lines, "", verdict]) + "\n"


def report_json(report: Report) -> dict[str, object]:
    """The ``--json`` shape (keys may be added, never renamed)."""
    return {
        "version": 1,
        "ok": report.ok,
        "findings": [
            {
                "topic": f.topic.strip(),
                "account": f.account,
                "level": f.level.value,
                "text": f.text,
                "hint": f.hint,
            }
            for f in report.findings
        ],
    }
