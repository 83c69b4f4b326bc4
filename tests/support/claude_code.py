"""Claude Code's files as tests need them: a login in a config dir (the documented shape, api-facts §9.1)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.dates import login_expiry_ms


def write_login(config: Path, token: str) -> Path:
    """``<config>/.credentials.json`` holding ``token`` with the usage scope, valid for a month from now."""
    config.mkdir(parents=True, exist_ok=True)
    oauth = {
        "accessToken": token,
        "expiresAt": login_expiry_ms(),
        "scopes": ["user:inference", "user:profile"],
    }
    (config / ".credentials.json").write_text(json.dumps({"claudeAiOauth": oauth}))
    return config
