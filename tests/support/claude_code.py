"""Claude Code's files as tests need them: a login in a config dir (the documented shape, api-facts §9.1)."""

from __future__ import annotations

import json
from pathlib import Path


def write_login(config: Path, token: str) -> Path:
    """``<config>/.credentials.json`` holding ``token`` with the usage scope, expiring in 2100."""
    config.mkdir(parents=True, exist_ok=True)
    oauth = {"accessToken": token, "expiresAt": 4102444800000, "scopes": ["user:inference", "user:profile"]}
    (config / ".credentials.json").write_text(json.dumps({"claudeAiOauth": oauth}))
    return config
