"""Password hashing and feed tokens of the web app."""

from __future__ import annotations

from pathlib import Path

from paperfeed.store import Store
from paperfeed.web.auth import (
    check_credentials,
    feed_token,
    feed_token_matches,
    hash_password,
    verify_password,
)


def test_password_hashes_are_salted_argon2_and_verify() -> None:
    first, second = hash_password("secret words"), hash_password("secret words")
    assert first != second and first.startswith("$argon2id$")
    assert verify_password(first, "secret words")
    assert not verify_password(first, "secret word")
    assert not verify_password(None, "secret words")
    assert not verify_password("not a hash", "secret words")


def test_credentials_need_an_existing_user_with_a_password(tmp_path: Path) -> None:
    with Store.open(tmp_path / "auth.db") as store:
        store.add_user("nopass")
        store.set_password_hash("carol", hash_password("carol's password"))
        assert check_credentials(store, "carol", "carol's password")
        assert not check_credentials(store, "carol", "wrong")
        assert not check_credentials(store, "nopass", "")
        assert not check_credentials(store, "nobody", "carol's password")


def test_feed_tokens_are_per_user_and_stable(tmp_path: Path) -> None:
    with Store.open(tmp_path / "auth.db") as store:
        alice, bob = feed_token(store, "alice"), feed_token(store, "bob")
        assert alice != bob and len(alice) >= 32 and feed_token(store, "alice") == alice
        assert feed_token_matches(store, "alice", alice)
        assert not feed_token_matches(store, "alice", bob)
        assert not feed_token_matches(store, "alice", None)
        assert not feed_token_matches(store, "nobody", alice)
