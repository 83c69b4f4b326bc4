"""Usage, profile and organization JSON -> typed values (pure; no I/O, no clock).

Rules (``docs/api-facts.md`` §4): every top-level object carrying ``utilization`` is a window,
including code names the server adds without notice; ``limits[]`` rows are keyed
``<kind>:<scope display name>`` and merged with the legacy keys so one limit never appears
twice; a null or missing utilization omits the window (never 0 %) unless it carries dollars;
money comes in minor units. The late-2026 parts (``spend``, dollar windows, unknown ``limits[]``
kinds, ``seven_day_breakdown``) are read by :mod:`claude_tray.api.shapes`. Whatever JSON
arrives, the only exception raised is :class:`ResponseFormatError`.

>>> snap = parse_usage({"five_hour": {"utilization": 48.0, "resets_at": None}, "opus": None},
...                    account="a", source=SourceKind.CLI, fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
>>> [(w.key, w.label, w.utilization) for w in snap.windows]
[('five_hour', '5-hour', 48.0)]
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from claude_tray.errors import ResponseFormatError
from claude_tray.log import printable
from claude_tray.model import ExtraUsage, SourceKind, UsageSnapshot, UsageWindow, WindowGroup

__all__ = [
    "Organization",
    "Profile",
    "parse_organizations",
    "parse_overage_spend_limit",
    "parse_profile",
    "parse_resets_at",
    "parse_usage",
    "pick_organization",
]

# Top-level keys that are not windows even though some carry "utilization".
_NOT_WINDOWS = frozenset({"extra_usage", "spend", "limits"})

_LABELS = {
    "five_hour": ("5-hour", WindowGroup.SESSION),
    "seven_day": ("Weekly", WindowGroup.WEEKLY),
    "seven_day_sonnet": ("Sonnet weekly", WindowGroup.MODEL),
    "seven_day_opus": ("Opus weekly", WindowGroup.MODEL),
    "seven_day_fable": ("Fable weekly", WindowGroup.MODEL),
    "seven_day_oauth_apps": ("OAuth apps weekly", WindowGroup.OTHER),
    "seven_day_cowork": ("Cowork weekly", WindowGroup.OTHER),
    "seven_day_routines": ("Routines weekly", WindowGroup.OTHER),
    "seven_day_omelette": ("Design weekly", WindowGroup.OTHER),
    "seven_day_design": ("Design weekly", WindowGroup.OTHER),
}

# limits[] kinds that are the same limit as a legacy top-level key.
_LEGACY_KIND = {"session": "five_hour", "weekly_all": "seven_day"}

_GROUP_ORDER = {WindowGroup.SESSION: 0, WindowGroup.WEEKLY: 1, WindowGroup.MODEL: 2, WindowGroup.OTHER: 3}

_MAX_PERCENT = 1000.0  # over the limit happens (extra usage); 1e308 % does not

# Epoch numbers above this are milliseconds (year 5138 in seconds; 1973 in milliseconds).
_EPOCH_MS_THRESHOLD = 100_000_000_000


@dataclass(frozen=True, slots=True)
class Profile:
    """Who a token belongs to (``GET /api/oauth/profile``)."""

    email: str | None
    display_name: str | None
    plan: str | None  # "Max 5x", "Pro", ... or None when the server does not say
    org_uuid: str | None


@dataclass(frozen=True, slots=True)
class Organization:
    """One claude.ai organization (``GET /api/organizations``)."""

    uuid: str
    name: str
    capabilities: tuple[str, ...]


def parse_usage(data: object, *, account: str, source: SourceKind, fetched_at: datetime) -> UsageSnapshot:
    """The usage body (OAuth or web, same shape) as a snapshot."""
    from claude_tray.api.shapes import extra_money, weekly_breakdown

    body = _require_object(data, "usage response")
    windows = _merge_limits(_legacy_windows(body), body.get("limits"))
    ordered = sorted(windows, key=lambda w: _GROUP_ORDER[w.group])
    extra = extra_money(body.get("extra_usage"), body.get("spend"))
    breakdown = weekly_breakdown(body.get("seven_day_breakdown"))
    if not ordered and extra is None and _dropped(body):
        # a 200 whose windows are all the wrong shape is an error (keeping the last good
        # reading), never a fresh "no data"
        raise ResponseFormatError("usage response has no usable window (wrong types or impossible values)")
    return UsageSnapshot(account, source, fetched_at, tuple(ordered), extra, breakdown)


def _dropped(body: Mapping[str, object]) -> bool:
    """Whether a window was present but unusable: a known key that is not an object, or a
    utilization that is not a number in the plausible range (a null one is just unknown)."""
    for key, value in body.items():
        if key in _NOT_WINDOWS or value is None:
            continue
        item = _object(value)
        if item is None:
            if key in _LABELS:
                return True
        elif item.get("utilization") is not None and _percent(item.get("utilization")) is None:
            return True
    return False


def parse_overage_spend_limit(data: object) -> ExtraUsage | None:
    """claude.ai ``/overage_spend_limit``: ``{monthly_credit_limit, used_credits, currency, is_enabled}``."""
    from claude_tray.api.shapes import extra_money

    body = _require_object(data, "overage spend limit")
    renamed = {**body, "monthly_limit": body.get("monthly_credit_limit")}
    return extra_money(renamed, None)


def parse_profile(data: object) -> Profile:
    body = _require_object(data, "profile response")
    account = _object(body.get("account")) or {}
    org = _object(body.get("organization")) or {}
    email = _first_text(account, "email", "email_address", "emailAddress")
    return Profile(
        email=email,
        display_name=_first_text(account, "display_name", "full_name"),
        plan=plan_name(_text(org.get("organization_type")), _text(org.get("rate_limit_tier"))),
        org_uuid=_text(org.get("uuid")),
    )


def parse_organizations(data: object) -> tuple[Organization, ...]:
    """The organization list; entries without a uuid are skipped."""
    if not isinstance(data, list):
        raise ResponseFormatError("organizations response is not a list")
    orgs = []
    for entry in data:
        item = _object(entry)
        uuid = _text(item.get("uuid")) if item else None
        if item is None or uuid is None:
            continue
        raw_caps = item.get("capabilities")
        caps = tuple(c for c in raw_caps if isinstance(c, str)) if isinstance(raw_caps, list) else ()
        orgs.append(Organization(uuid, _text(item.get("name")) or uuid, caps))
    return tuple(orgs)


def pick_organization(orgs: tuple[Organization, ...], wanted: str = "") -> Organization | None:
    """The named org (uuid or name), else the one with ``chat``, else the first not API-only."""
    if wanted:
        return next((o for o in orgs if wanted in (o.uuid, o.name)), None)
    chat = next((o for o in orgs if "chat" in o.capabilities), None)
    if chat is not None:
        return chat
    return next((o for o in orgs if not _api_only(o)), None)


def _api_only(org: Organization) -> bool:
    """An API-console org answers /usage with 403; one with no capabilities listed may still be chat."""
    return bool(org.capabilities) and set(org.capabilities) <= {"api", "api_individual"}


def plan_name(organization_type: str | None, rate_limit_tier: str | None) -> str | None:
    """ "Max 5x" from ``default_claude_max_5x``; falls back to the organization type."""
    for raw in (rate_limit_tier, organization_type):
        if not raw:
            continue
        text = raw.removeprefix("default_").removeprefix("claude_")
        match = re.fullmatch(r"max_(\d+)x", text)
        if match:
            return f"Max {match.group(1)}x"
        if text in {"max", "pro", "team", "enterprise"}:
            return text.capitalize()
    return None


def parse_resets_at(value: object) -> datetime | None:
    """ISO with offset, with Z, without offset (UTC), epoch seconds/ms, or null -> aware UTC or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            seconds = value / 1000 if abs(value) > _EPOCH_MS_THRESHOLD else value
            return datetime.fromtimestamp(seconds, tz=UTC)
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()
        if text[-1] in "Zz":
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return aware.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _legacy_windows(body: Mapping[str, object]) -> list[UsageWindow]:
    from claude_tray.api.shapes import with_dollars

    windows = []
    for key, value in body.items():
        item = _object(value)
        if key in _NOT_WINDOWS or item is None or "utilization" not in item:
            continue
        utilization = _percent(item.get("utilization"))  # unknown or impossible: None, never 0 %
        name = printable(key)  # a code name the server made up reaches the terminal as a label
        label, group = _LABELS.get(name) or (_generic_label(name), WindowGroup.OTHER)
        window = UsageWindow(name, label, utilization, parse_resets_at(item.get("resets_at")), group)
        # null utilization: omitted (never 0 %) unless the window carries dollars or a lock
        dollar_window = with_dollars(window, item, known=name in _LABELS)
        if dollar_window is not None:
            windows.append(dollar_window)
    return windows


def _merge_limits(windows: list[UsageWindow], limits: object) -> list[UsageWindow]:
    """Add ``limits[]`` rows; a row that repeats a legacy window only fills its gaps."""
    from claude_tray.api.shapes import merge_row

    if not isinstance(limits, list):
        return windows
    merged = list(windows)
    for entry in limits:
        row = _limit_window(entry)
        if row is None:
            continue
        index = next((i for i, w in enumerate(merged) if w.key in (row.key, _legacy_key(row, merged))), None)
        if index is None:
            merged.append(row)
        else:
            merged[index] = merge_row(merged[index], row)
    return merged


def _legacy_key(row: UsageWindow, windows: list[UsageWindow]) -> str | None:
    """The legacy top-level key this limits row duplicates, if that key is present."""
    kind, _, scope = row.key.partition(":")
    if not scope:
        return _LEGACY_KIND.get(kind)
    candidate = "seven_day_" + _slug(scope)
    return candidate if kind.startswith("weekly") and any(w.key == candidate for w in windows) else None


def _limit_window(entry: object) -> UsageWindow | None:
    from claude_tray.api.shapes import limit_facts

    item = _object(entry)
    if item is None:
        return None
    kind = _text(item.get("kind"))
    percent = _percent(item.get("percent"))
    if kind is None or percent is None:
        return None
    window = _limit_row(item, kind, percent)
    return limit_facts(window, item, kind)


def _limit_row(item: Mapping[str, object], kind: str, percent: float) -> UsageWindow:
    scoped = _scope(item.get("scope"))
    resets_at = parse_resets_at(item.get("resets_at"))
    if scoped is None:
        legacy = _LEGACY_KIND.get(kind)
        if legacy is not None:
            label, group = _LABELS[legacy]
            return UsageWindow(legacy, label, percent, resets_at, group)
        return UsageWindow(kind, _generic_label(kind), percent, resets_at, WindowGroup.OTHER)
    scope, is_model = scoped
    group = WindowGroup.MODEL if is_model else WindowGroup.OTHER
    suffix = " weekly" if kind.startswith("weekly") else f" ({_generic_label(kind).lower()})"
    return UsageWindow(f"{kind}:{scope}", scope + suffix, percent, resets_at, group)


def _scope(scope: object) -> tuple[str, bool] | None:
    """The server's display name for a scoped row (the model's, else the surface's), and
    whether it names a model."""
    item = _object(scope)
    if item is None:
        return None
    for part in ("model", "surface"):
        named = _object(item.get(part))
        name = _text(named.get("display_name")) if named else None
        if name:
            return name, part == "model"
    return None


def _ratio(used: float | None, limit: float | None) -> float | None:
    if used is None or limit is None or limit <= 0:
        return None
    return round(used / limit * 100.0, 4)  # derived, so no float noise like 4.132000000000001


def _number(value: object) -> float | None:
    """A finite JSON number as float; bools, strings and NaN/inf are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # a huge JSON integer
        return None
    return number if math.isfinite(number) else None


def _percent(value: object) -> float | None:
    """A utilization in the plausible range 0-1000 %; anything else is not a reading."""
    number = _number(value)
    return number if number is not None and 0.0 <= number <= _MAX_PERCENT else None


def _first_number(value: object, fallback: float | None) -> float | None:
    number = _number(value)
    return fallback if number is None else number


def _text(value: object) -> str | None:
    """A non-blank server string, without control characters (it may reach a terminal)."""
    text = printable(value).strip() if isinstance(value, str) else ""
    return text or None


def _first_text(item: Mapping[str, object], *keys: str) -> str | None:
    return next((t for t in (_text(item.get(k)) for k in keys) if t), None)


def _object(value: object) -> Mapping[str, object] | None:
    return value if isinstance(value, dict) else None


def _require_object(data: object, what: str) -> Mapping[str, object]:
    item = _object(data)
    if item is None:
        raise ResponseFormatError(f"{what} is not a JSON object (got {type(data).__name__})")
    return item


def _generic_label(key: str) -> str:
    """A readable label for a code name the server added: "seven_day_foo" -> "Foo weekly"."""
    words = key.removeprefix("seven_day_").replace("_", " ").strip() or key
    text = words[:1].upper() + words[1:]
    return f"{text} weekly" if key.startswith("seven_day_") else text


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).casefold()
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


def known_window_keys() -> frozenset[str]:
    """The window keys the API is known to send (what ``config check`` offers for ``[icon]``)."""
    return frozenset(_LABELS)
