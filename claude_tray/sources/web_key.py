"""A claude.ai ``sessionKey`` from the OS keyring (the only module that imports keyring).

The key lives in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential
Manager on Windows) under service ``claude-tray`` and the account's keyring user name. For
headless use the environment variable ``CLAUDE_TRAY_SESSION_KEY`` wins; a key taken from
the environment is never written anywhere.

Keyring failures keep their meaning: no backend at all -> :class:`SourceUnavailable`;
locked, denied or a dismissed prompt -> :class:`CredentialAccessDenied`; nothing stored ->
:class:`NoCredentialError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Mapping
from typing import ClassVar, TypeVar

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import fail

from claude_tray.errors import CredentialAccessDenied, NoCredentialError, SourceUnavailable
from claude_tray.i18n import _
from claude_tray.model import SourceKind
from claude_tray.sources.base import Credential, CredentialSource, digest

__all__ = [
    "ENV_VAR",
    "SERVICE",
    "WebKeySource",
    "keyring_backend_name",
    "keyring_problem",
    "looks_like_session_key",
]

SERVICE = "claude-tray"
ENV_VAR = "CLAUDE_TRAY_SESSION_KEY"

T = TypeVar("T")


def looks_like_session_key(value: str) -> bool:
    """claude.ai keys start with ``sk-ant-`` (sid01, sid02, ...); only the prefix is checked."""
    return value.startswith("sk-ant-") and len(value) > len("sk-ant-") and not any(c.isspace() for c in value)


def keyring_backend_name() -> str | None:
    """The keyring backend ``keyring`` selects here ("SecretService Keyring"); None when none works."""
    backend = keyring.get_keyring()
    return None if isinstance(backend, fail.Keyring) else str(backend.name)


def keyring_problem() -> str:
    """Why the Secret Service cannot store a key right now ("locked", no default collection), read
    without unlocking or creating anything (no prompt); "" when fine or not a Secret Service."""
    backend = keyring.get_keyring()
    if type(backend).__module__ != "keyring.backends.SecretService":
        return ""
    try:
        import secretstorage
        from secretstorage.collection import get_collection_by_alias
        from secretstorage.exceptions import ItemNotFoundException, SecretStorageException
    except ImportError:
        return ""
    try:
        connection = secretstorage.dbus_init()
    except (SecretStorageException, OSError, KeyError, ValueError):
        return ""
    try:
        collection = get_collection_by_alias(connection, "default")
        return "locked" if collection.is_locked() else ""
    except ItemNotFoundException:
        return "no default collection"
    except (SecretStorageException, OSError, TimeoutError):
        return ""
    finally:
        connection.close()


class WebKeySource(CredentialSource):
    kind: ClassVar[SourceKind] = SourceKind.WEB

    def __init__(
        self,
        user: str,
        *,
        env: Mapping[str, str] | None = None,
        backend: keyring.backend.KeyringBackend | None = None,
    ) -> None:
        self._user = user
        self._env = os.environ if env is None else env
        self._backend = backend  # None: whatever keyring selects on this machine

    def check(self) -> None:
        if self._env.get(ENV_VAR):
            return
        backend = self._keyring()
        if isinstance(backend, fail.Keyring):
            raise _unavailable()

    @property
    def rejected_hint(self) -> str:
        """The fix when the server rejects the key: ``login-web`` cannot replace one from the environment."""
        if self._env.get(ENV_VAR, "").strip():
            return f"the session key in {ENV_VAR} was rejected: set a fresh one there"
        return ""

    def describe(self) -> str:
        if self._env.get(ENV_VAR):
            return f"environment variable {ENV_VAR}"
        return f"OS keyring, service {SERVICE!r}, user {self._user!r}"

    def read(self) -> Credential:
        from_env = self._env.get(ENV_VAR, "").strip()
        if from_env:
            return Credential(SourceKind.WEB, from_env)
        value = self._call(lambda k: k.get_password(SERVICE, self._user))
        if not value:
            raise NoCredentialError(
                f"no claude.ai session key stored for {self._user!r}",
                hint=_(
                    "run `claude-tray login-web --account {user}` or set {variable} for headless use"
                ).format(user=self._user, variable=ENV_VAR),
            )
        return Credential(SourceKind.WEB, value)

    def fingerprint(self) -> Hashable:
        try:
            return ("key", digest(self.read().secret))
        except (NoCredentialError, CredentialAccessDenied, SourceUnavailable) as err:
            return ("unavailable", type(err).__name__)

    def store(self, session_key: str) -> None:
        """Save a key in the OS keyring (never the one from the environment: that stays there)."""
        self._call(lambda k: k.set_password(SERVICE, self._user, session_key))

    def delete(self) -> None:
        """Forget the stored key; no error when there is none."""
        try:
            self._call(lambda k: k.delete_password(SERVICE, self._user))
        except CredentialAccessDenied as err:
            if not isinstance(err.__cause__, keyring.errors.PasswordDeleteError):
                raise

    def _keyring(self) -> keyring.backend.KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def _call(self, action: Callable[[keyring.backend.KeyringBackend], T]) -> T:
        try:
            return action(self._keyring())
        except keyring.errors.NoKeyringError as err:
            raise _unavailable() from err
        except keyring.errors.KeyringLocked as err:
            raise CredentialAccessDenied("the OS keyring is locked", hint=_("unlock your keyring")) from err
        except keyring.errors.InitError as err:
            raise CredentialAccessDenied(
                "the OS keyring could not be opened (a prompt was dismissed?)", hint=_("unlock your keyring")
            ) from err
        except Exception as err:
            raise CredentialAccessDenied(
                f"the OS keyring refused access ({type(err).__name__})", hint=_("unlock your keyring")
            ) from err


def _unavailable() -> SourceUnavailable:
    error = SourceUnavailable(
        "no OS keyring is available (no Secret Service, Keychain or Credential Manager)"
    )
    error.hint = _(
        "start your desktop's keyring (e.g. gnome-keyring) or set {variable} for headless use"
    ).format(variable=ENV_VAR)
    return error
