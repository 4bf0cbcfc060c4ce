"""Settings: file, environment overrides, clear errors."""

from pathlib import Path

import pytest

from paperfeed.config import load_settings
from paperfeed.errors import InputError


def test_defaults_without_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "missing.toml", env={})
    assert settings.top == 10
    assert settings.db.endswith("paperfeed.db")


def test_file_then_environment_overrides(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'top = 5\ndb = "a.db"\n[sources]\narxiv_categories = ["cs.IR"]\n'
        '[smtp]\nhost = "mail.example.org"\nport = 587\nsecurity = "starttls"\n'
    )
    settings = load_settings(path, env={"PAPERFEED_TOP": "7", "PAPERFEED_SMTP_PORT": "2525"})
    assert settings.top == 7
    assert settings.db == "a.db"
    assert settings.sources.arxiv_categories == ["cs.IR"]
    assert (settings.smtp.host, settings.smtp.port) == ("mail.example.org", 2525)


def test_bad_value_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[smtp]\nport = 'many'\n")
    with pytest.raises(InputError) as info:
        load_settings(path, env={})
    assert str(path) in str(info.value)
    assert "smtp.port" in str(info.value)


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("topp = 3\n")
    with pytest.raises(InputError, match="topp"):
        load_settings(path, env={})


def test_broken_toml_names_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("top = [\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_settings(path, env={})
