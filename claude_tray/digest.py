"""SHA-256 in hex for local fingerprints (config-dir keys, login digests, file change checks).

Stdlib only, and not ``hashlib``: that maps OpenSSL's libcrypto (a few ms to load, and about
3 MB of resident memory in the tray). CPython's built-in SHA-256 gives the same digest, so
neither the status line nor the tray loads OpenSSL for it.
"""

from __future__ import annotations

__all__ = ["sha256_hex"]


def sha256_hex(data: bytes) -> str:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found, unused-ignore]  # 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]  # 3.12+
        except ImportError:  # a build without the built-in hashes
            from hashlib import sha256  # type: ignore[assignment, unused-ignore]
    return str(sha256(data).hexdigest())
