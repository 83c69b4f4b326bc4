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

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from claude_tray.api import values as v
from claude_tray.errors import ResponseFormatError
from claude_tray.i18n import N_
from claude_tray.log import printable
from claude_tray.model import ExtraUsage, SourceKind, UsageSnapshot, UsageWindow, WindowGroup

__all__ = [
    "Organization",
    "Profile",
    "parse_organizations",
    "parse_overage_spend_limit",
    "parse_profile",
    "parse_usage",
    "pick_organization",
]

# Top-level keys that are not windows even though some carry "utilization".
_NOT_WINDOWS = frozenset({"extra_usage", "spend", "limits"})

_LABELS = {
    "five_hour": (N_("5-hour"), WindowGroup.SESSION),
    "seven_day": (N_("Weekly"), WindowGroup.WEEKLY),
    "seven_day_sonnet": (N_("Sonnet weekly"), WindowGroup.MODEL),
    "seven_day_opus": (N_("Opus weekly"), WindowGroup.MODEL),
    "seven_day_fable": (N_("Fable weekly"), WindowGroup.MODEL),
    "seven_day_oauth_apps": (N_("OAuth apps weekly"), WindowGroup.OTHER),
    "seven_day_cowork": (N_("Cowork weekly"), WindowGroup.OTHER),
    "seven_day_routines": (N_("Routines weekly"), WindowGroup.OTHER),
    "seven_day_omelette": (N_("Design weekly"), WindowGroup.OTHER),
    "seven_day_design": (N_("Design weekly"), WindowGroup.OTHER),
}

# limits[] kinds that are the same limit as a legacy top-level key.
_LEGACY_KIND = {"session": "five_hour", "weekly_all": "seven_day"}

_GROUP_ORDER = {WindowGroup.SESSION: 0, WindowGroup.WEEKLY: 1, WindowGroup.MODEL: 2, WindowGroup.OTHER: 3}


# Epoch numbers above this are milliseconds (year 5138 in seconds; 1973 in milliseconds).


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

    body = v.require_object(data, "usage response")
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
        item = v.object_(value)
        if item is None:
            if key in _LABELS:
                return True
        elif item.get("utilization") is not None and v.percent(item.get("utilization")) is None:
            return True
    return False


def parse_overage_spend_limit(data: object) -> ExtraUsage | None:
    """claude.ai ``/overage_spend_limit``: ``{monthly_credit_limit, used_credits, currency, is_enabled}``."""
    from claude_tray.api.shapes import extra_money

    body = v.require_object(data, "overage spend limit")
    renamed = {**body, "monthly_limit": body.get("monthly_credit_limit")}
    return extra_money(renamed, None)


def parse_profile(data: object) -> Profile:
    body = v.require_object(data, "profile response")
    account = v.object_(body.get("account")) or {}
    org = v.object_(body.get("organization")) or {}
    email = v.first_text(account, "email", "email_address", "emailAddress")
    return Profile(
        email=email,
        display_name=v.first_text(account, "display_name", "full_name"),
        plan=plan_name(v.text(org.get("organization_type")), v.text(org.get("rate_limit_tier"))),
        org_uuid=v.text(org.get("uuid")),
    )


def parse_organizations(data: object) -> tuple[Organization, ...]:
    """The organization list; entries without a uuid are skipped."""
    if not isinstance(data, list):
        raise ResponseFormatError("organizations response is not a list")
    orgs = []
    for entry in data:
        item = v.object_(entry)
        uuid = v.text(item.get("uuid")) if item else None
        if item is None or uuid is None:
            continue
        raw_caps = item.get("capabilities")
        caps = tuple(c for c in raw_caps if isinstance(c, str)) if isinstance(raw_caps, list) else ()
        orgs.append(Organization(uuid, v.text(item.get("name")) or uuid, caps))
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


def _legacy_windows(body: Mapping[str, object]) -> list[UsageWindow]:
    from claude_tray.api.shapes import with_dollars

    windows = []
    for key, value in body.items():
        item = v.object_(value)
        if key in _NOT_WINDOWS or item is None or "utilization" not in item:
            continue
        utilization = v.percent(item.get("utilization"))  # unknown or impossible: None, never 0 %
        name = printable(key)  # a code name the server made up reaches the terminal as a label
        label, group = _LABELS.get(name) or (_generic_label(name), WindowGroup.OTHER)
        window = UsageWindow(name, label, utilization, v.parse_resets_at(item.get("resets_at")), group)
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

    item = v.object_(entry)
    if item is None:
        return None
    kind = v.text(item.get("kind"))
    percent = v.percent(item.get("percent"))
    if kind is None or percent is None:
        return None
    window = _limit_row(item, kind, percent)
    return limit_facts(window, item, kind)


def _limit_row(item: Mapping[str, object], kind: str, percent: float) -> UsageWindow:
    scoped = _scope(item.get("scope"))
    resets_at = v.parse_resets_at(item.get("resets_at"))
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
    item = v.object_(scope)
    if item is None:
        return None
    for part in ("model", "surface"):
        named = v.object_(item.get(part))
        name = v.text(named.get("display_name")) if named else None
        if name:
            return name, part == "model"
    return None


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
