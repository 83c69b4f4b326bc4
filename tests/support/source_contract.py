"""The behaviour every credential source promises (keyring's shared backend test idea).

A source's test module subclasses :class:`SourceContract` and says how to build the source and
how to put a credential where it looks; the contract tests then run against the real storage
(a file, a fake ``security`` executable, the environment, a real Secret Service).
"""

from __future__ import annotations

import pytest

from claude_tray.errors import NoCredentialError
from claude_tray.sources.base import CredentialSource

SECRET_A = "sk-ant-oat01-CONTRACT-SECRET-AAAA"
SECRET_B = "sk-ant-oat01-CONTRACT-SECRET-BBBB"


class SourceContract:
    """Subclass as ``TestXxx(SourceContract)`` and implement the three hooks."""

    def make_source(self) -> CredentialSource:
        """The source under test, looking at storage that holds nothing yet."""
        raise NotImplementedError

    def store(self, secret: str) -> None:
        """Put a usable credential with this secret where the source looks (replacing any)."""
        raise NotImplementedError

    def storage_state(self) -> object:
        """Anything that would change if the source wrote to its storage (default: not checked)."""
        return None

    @pytest.fixture
    def source(self) -> CredentialSource:
        return self.make_source()

    def test_nothing_stored_is_no_credential_with_a_hint(self, source: CredentialSource) -> None:
        with pytest.raises(NoCredentialError) as info:
            source.read()
        assert info.value.hint, "every 'not found' tells the person what to do"

    def test_reads_the_stored_secret_with_its_kind(self, source: CredentialSource) -> None:
        self.store(SECRET_A)
        credential = source.read()
        assert credential.secret == SECRET_A
        assert credential.kind is source.kind

    def test_secret_never_in_repr_or_description(self, source: CredentialSource) -> None:
        self.store(SECRET_A)
        credential = source.read()
        assert SECRET_A not in repr(credential)
        assert source.describe() and SECRET_A not in source.describe()

    def test_fingerprint_is_stable_and_follows_changes(self, source: CredentialSource) -> None:
        empty = source.fingerprint()
        self.store(SECRET_A)
        first = source.fingerprint()
        assert first == source.fingerprint()
        assert first != empty
        self.store(SECRET_B)
        assert source.fingerprint() != first
        assert SECRET_B not in repr(source.fingerprint())

    def test_check_passes_where_the_source_is_set_up(self, source: CredentialSource) -> None:
        source.check()

    def test_reading_changes_nothing(self, source: CredentialSource) -> None:
        self.store(SECRET_A)
        before = self.storage_state()
        source.read()
        source.fingerprint()
        assert self.storage_state() == before
