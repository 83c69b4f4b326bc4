"""The late-2026 parts of the usage body (pure): money, dollar windows, limit kinds, breakdown.

:mod:`claude_tray.api.parse` calls these (``docs/api-facts.md`` §13):

* **money**: ``extra_usage`` and ``spend`` are read together. ``extra_usage`` is preferred while
  both exist, but when it lacks amounts or a currency, ``spend`` supplies them. Every amount is
  in minor units: ``amount_minor / 10**exponent`` for ``spend``, ``/ 10**decimal_places`` for
  ``extra_usage``; a missing scale falls back to the currency's ISO 4217 minor unit (0 for JPY,
  3 for KWD), never a blanket 2; a scale that is present but not a small integer makes the
  amount unknown. ``disabled_reason``, ``user_disabled`` and ``spend_limit_reached`` are kept.
* **dollar windows**: a window may carry ``limit_dollars``, ``used_dollars``,
  ``remaining_dollars`` and ``locked_reason``. With no ``utilization`` (Enterprise seats) the
  percentage is computed from the dollars and marked ``computed``; it drives the icon only for
  windows the program knows by name (a code-named credit grant is not a quota).
* **limits[] kinds**: only ``session``, ``weekly_all`` and ``weekly_scoped`` drive the icon;
  any other kind is kept (keyed ``limit:<kind>`` so it can never take a known window's key),
  shown, and marked as not driving. ``is_active`` is kept as sent; a known kind drives whatever
  it says (real bodies mark one window active and the others, at 16 % or 42 %, inactive).
* **seven_day_breakdown**: the week's use by surface, as sent.

>>> extra_money(None, {"used": {"amount_minor": 53411, "currency": "EUR", "exponent": 2},
...                    "enabled": False, "disabled_reason": "out_of_credits"}).state.value
'out_of_credits'
>>> _amount(12345, 3)
12.345
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from claude_tray.api import values as v
from claude_tray.model import BreakdownRow, Dollars, ExtraUsage, UsageWindow, WeeklyBreakdown

__all__ = ["KNOWN_KINDS", "extra_money", "limit_facts", "merge_row", "weekly_breakdown", "with_dollars"]

KNOWN_KINDS = frozenset({"session", "weekly_all", "weekly_scoped"})
UNKNOWN_KIND_PREFIX = "limit:"

# ISO 4217 minor units that are not 2 (the rest of the world's currencies use 2).
_MINOR_DIGITS = {
    "BHD": 3, "CLP": 0, "IQD": 3, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3,
    "LYD": 3, "OMR": 3, "PYG": 0, "TND": 3, "UGX": 0, "VND": 0, "XAF": 0, "XOF": 0,
}  # fmt: skip
_MAX_DIGITS = 9


# ----------------------------------------------------------------------------- money


def extra_money(extra_value: object, spend_value: object) -> ExtraUsage | None:
    """``extra_usage`` and ``spend`` as one :class:`ExtraUsage`; None when neither is an object."""
    extra, spend = v.object_(extra_value), v.object_(spend_value)
    if extra is None and spend is None:
        return None
    extra, spend = extra or {}, spend or {}
    spend_used, spend_limit, spend_currency = _spend_amounts(spend)
    extra_currency = v.text(extra.get("currency"))
    extra_used, extra_limit = _extra_amounts(extra, extra_currency or spend_currency)
    if extra_used is None and extra_limit is None:  # spend is the authority when extra_usage has none
        used, limit, currency = spend_used, spend_limit, spend_currency or extra_currency
    else:
        used, limit, currency = extra_used, extra_limit, extra_currency or spend_currency
    enabled = _flag(extra, "is_enabled")
    if enabled is None:
        enabled = _flag(spend, "enabled")
    return ExtraUsage(
        # neither says (web enterprise bodies): on when the server reports amounts
        enabled=enabled if enabled is not None else (used is not None or limit is not None),
        used=used,
        limit=limit,
        currency=(currency or "USD").upper(),
        utilization=v.first_number(
            extra.get("utilization"), v.first_number(spend.get("percent"), v.ratio(used, limit))
        ),
        currency_assumed=currency is None,
        disabled_reason=v.text(extra.get("disabled_reason")) or v.text(spend.get("disabled_reason")),
        user_disabled=_flag(extra, "user_disabled"),
        spend_limit_reached=_first_flag(extra, spend, "spend_limit_reached"),
    )


def _extra_amounts(extra: Mapping[str, object], currency: str | None) -> tuple[float | None, float | None]:
    digits = _digits(extra.get("decimal_places"), currency)
    return _amount(extra.get("used_credits"), digits), _amount(extra.get("monthly_limit"), digits)


def _spend_amounts(spend: Mapping[str, object]) -> tuple[float | None, float | None, str | None]:
    cap = v.object_(spend.get("cap")) or {}
    used, used_currency = _money(spend.get("used"))
    limit, limit_currency = _money(spend.get("limit"))
    if limit is None:
        limit, limit_currency = _money(cap.get("money"))
    return used, limit, used_currency or limit_currency


def _money(value: object) -> tuple[float | None, str | None]:
    """``{amount_minor, currency, exponent}`` -> (amount in major units, currency)."""
    item = v.object_(value)
    if item is None:
        return None, None
    currency = v.text(item.get("currency"))
    return _amount(item.get("amount_minor"), _digits(item.get("exponent"), currency)), currency


def _digits(scale: object, currency: str | None) -> int | None:
    """The stated number of minor-unit digits; when none is stated, the currency's own."""
    if scale is None:
        return _MINOR_DIGITS.get((currency or "USD").strip().upper(), 2)
    if isinstance(scale, int) and not isinstance(scale, bool) and 0 <= scale <= _MAX_DIGITS:
        return scale
    return None  # a scale we cannot read: the amount is unknown, never a guess


def _amount(minor: object, digits: int | None) -> float | None:
    number = v.number(minor)
    if number is None or digits is None:
        return None
    return round(number / 10.0**digits, digits + 6)  # no float noise like 534.1100000000001


def _flag(item: Mapping[str, object], key: str) -> bool | None:
    value = item.get(key)
    return value if isinstance(value, bool) else None


def _first_flag(first: Mapping[str, object], second: Mapping[str, object], key: str) -> bool | None:
    value = _flag(first, key)
    return value if value is not None else _flag(second, key)


# ----------------------------------------------------------------------------- windows


def with_dollars(window: UsageWindow, item: Mapping[str, object], *, known: bool) -> UsageWindow | None:
    """A flat window plus its dollar fields; None when it has neither a percentage nor dollars.

    ``known``: the key is one the program knows by name, so a computed percentage may drive
    the icon; a code-named window with only dollars (a credit grant) is shown but does not.
    """
    amounts = [v.number(item.get(f"{part}_dollars")) for part in ("limit", "used", "remaining")]
    dollars = Dollars(*amounts) if any(a is not None for a in amounts) else None
    locked = v.text(item.get("locked_reason"))
    window = dataclasses.replace(window, dollars=dollars, locked_reason=locked)
    if window.utilization is not None:
        return window
    if dollars is None and locked is None:
        return None  # unknown is omitted, never shown as 0 %
    computed = dollars.percent() if dollars is not None else None
    if computed is None:
        return window  # dollars or a lock without any percentage: shown as such
    return dataclasses.replace(window, utilization=computed, computed=True, drives=known)


def limit_facts(window: UsageWindow, item: Mapping[str, object], kind: str) -> UsageWindow:
    """A ``limits[]`` row with what the program knows about its kind, and ``is_active``."""
    active = _flag(item, "is_active")
    if kind in KNOWN_KINDS:
        return dataclasses.replace(window, active=active)
    key = UNKNOWN_KIND_PREFIX + window.key
    return dataclasses.replace(window, key=key, active=active, drives=False)


def merge_row(existing: UsageWindow, row: UsageWindow) -> UsageWindow:
    """A ``limits[]`` row that repeats a window only fills its gaps (reset time, ``is_active``);
    a known limit takes the place of a window that does not drive the icon."""
    if row.drives and not existing.drives:
        return row
    if existing.resets_at is None and row.resets_at is not None:
        existing = dataclasses.replace(existing, resets_at=row.resets_at)
    if existing.active is None and row.active is not None:
        existing = dataclasses.replace(existing, active=row.active)
    return existing


# ----------------------------------------------------------------------------- breakdown


def weekly_breakdown(value: object) -> WeeklyBreakdown | None:
    """``seven_day_breakdown`` as sent; rows without a key are skipped, an unknown share stays None."""
    item = v.object_(value)
    if item is None:
        return None
    raw_rows = item.get("rows")
    rows = []
    for entry in raw_rows if isinstance(raw_rows, list) else []:
        row = v.object_(entry)
        key = v.text(row.get("key")) if row else None
        if row is None or key is None:
            continue
        label = v.text(row.get("display_name")) or key.replace("_", " ").capitalize()
        rows.append(BreakdownRow(key, label, v.number(row.get("percent"))))
    return WeeklyBreakdown(
        tuple(rows), v.parse_resets_at(item.get("as_of")), v.parse_resets_at(item.get("window_started_at"))
    )
