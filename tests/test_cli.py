"""The command line: help everywhere, the main flow end to end, clear errors that change nothing."""

import gzip
import json
import os
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from paperfeed.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "cli"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=" ".join)
def test_every_command_has_help_text(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command = dict(_commands(cli))[path]
    assert command.help and len(command.help.strip()) > 15
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{' '.join(path)} {param.opts} has no help"


def _run(db: Path, *args: str) -> object:
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def _dump(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type='table' and name not like 'sqlite_%' "
                "and name not like '%fts%'"
            )
        ]
        return [(t, sorted(map(repr, conn.execute(f"select * from {t}")))) for t in sorted(tables)]


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PAPERFEED_CONFIG", os.devnull)
    return tmp_path / "pf.db"


def test_import_ingest_digest_end_to_end(db: Path) -> None:
    assert (
        _run(db, "profile", "import", str(FIXTURES / "profile.txt"), "--user", "jane").exit_code
        == 0
    )
    result = _run(db, "ingest", str(FIXTURES / "listing.jsonl"))
    assert "read 5 papers, 5 new" in result.output
    result = _run(db, "digest", "--user", "jane", "--date", "2026-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    ids = [r["id"] for r in data["recommendations"]]
    assert set(ids) <= {"2606.00001", "2606.00002", "2606.00003", "2606.00004"}
    assert ids[0] in {"2606.00001", "2606.00003"}, "the on-topic papers come first"
    assert all(r["reasons"] for r in data["recommendations"])


def test_reimport_changes_nothing(db: Path) -> None:
    _run(db, "profile", "import", str(FIXTURES / "profile.txt"), "--user", "jane")
    _run(db, "ingest", str(FIXTURES / "listing.jsonl"))
    before = _dump(db)
    _run(db, "profile", "import", str(FIXTURES / "profile.txt"), "--user", "jane")
    result = _run(db, "ingest", str(FIXTURES / "listing.jsonl"))
    assert "0 new" in result.output
    assert _dump(db) == before


def test_bad_input_names_file_and_line_and_changes_nothing(db: Path) -> None:
    _run(db, "profile", "import", str(FIXTURES / "profile.txt"), "--user", "jane")
    before = _dump(db)
    result = CliRunner().invoke(
        cli,
        ["--db", str(db), "profile", "import", str(FIXTURES / "bad-profile.txt"), "--user", "jane"],
    )
    assert result.exit_code == 1
    assert "bad-profile.txt:3" in result.output
    assert _dump(db) == before


def test_unknown_user_is_a_clear_error(db: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db), "digest", "--user", "nobody"])
    assert result.exit_code == 1
    assert "nobody" in result.output


def test_bad_date_is_a_clear_error(db: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", "x.jsonl", "--date", "2026-13-01"])
    assert result.exit_code == 1
    assert "--date" in result.output


def test_feedback_and_rules(db: Path) -> None:
    _run(db, "profile", "import", str(FIXTURES / "profile.txt"), "--user", "jane")
    _run(db, "ingest", str(FIXTURES / "listing.jsonl"))
    assert _run(db, "feedback", "--user", "jane", "2606.00002", "down").exit_code == 0
    result = _run(db, "rules", "--user", "jane", "--exclude", "quadrotor", "--follow", "Eve Park")
    assert "quadrotor" in result.output and "Eve Park" in result.output
    result = CliRunner().invoke(
        cli, ["--db", str(db), "feedback", "--user", "jane", "9999.99999", "up"]
    )
    assert result.exit_code == 1 and "9999.99999" in result.output


def test_demo_without_data_says_how_to_point_it(db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db), "demo", "--data", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "--data" in result.output and "paperfeed ingest arxiv:" in result.output


def test_demo_replays_a_day_and_points_at_namesakes(db: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "profiles").mkdir(parents=True)
    namesake = (
        "Sourdough Fermentation Kinetics in Rye Bread\nDoe, Jane, Baker, Bob\n"
        "We measure how lactic acid bacteria and wild yeast shape the rise of rye sourdough.\n"
    )
    profile = (FIXTURES / "profile.txt").read_text().rstrip("\n") + "\n" + namesake
    (data / "profiles" / "fang-han.txt").write_text(profile)
    with gzip.open(data / "arxiv-cs-2025.jsonl.gz", "wt") as handle:
        handle.write((FIXTURES / "listing.jsonl").read_text())
    result = _run(db, "demo", "--data", str(data), "--top", "3")
    assert result.exit_code == 0, result.output
    assert "paperfeed for fang-han: 3 papers for 2026-06-30" in result.output
    assert "1 of fang-han's papers may be a namesake's" in result.output


def test_digest_of_a_day_not_stored_says_how_to_ingest_it(db: Path) -> None:
    _run(db, "profile", "import", str(FIXTURES / "profile.txt"), "--user", "jane")
    _run(db, "ingest", str(FIXTURES / "listing.jsonl"))
    result = CliRunner().invoke(cli, ["--db", str(db), "digest", "--date", "2026-07-01"])
    assert result.exit_code == 1
    assert "nothing listed on 2026-07-01 is stored" in result.output
    assert "paperfeed ingest" in result.output and "weekend or holiday" not in result.output


@pytest.mark.parametrize("text", ["", "@@@ garbage {{{ not a bib file\n"], ids=["empty", "garbage"])
def test_an_empty_or_garbage_bib_is_an_error_that_creates_no_user(
    db: Path, tmp_path: Path, text: str
) -> None:
    bib = tmp_path / "mine.bib"
    bib.write_text(text)
    result = CliRunner().invoke(
        cli, ["--db", str(db), "profile", "import", str(bib), "--user", "newbie"]
    )
    assert result.exit_code == 1, result.output
    assert "mine.bib" in result.output and "read 0 papers" not in result.output
    assert "no users yet" in CliRunner().invoke(cli, ["--db", str(db), "users"]).output


def test_a_bibtex_key_used_twice_keeps_both_papers_and_says_so(db: Path, tmp_path: Path) -> None:
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@article{fang2024, title={Graph Attention for Molecules}, author={Fang, Han}}\n"
        "@article{fang2024, title={Sparse Retrieval at Scale}, author={Fang, Han}}\n"
    )
    result = CliRunner().invoke(
        cli, ["--db", str(db), "profile", "import", str(bib), "--user", "han"]
    )
    assert result.exit_code == 0
    assert "read 2 papers; 2 new" in result.output
    assert "warning:" in result.output and "'fang2024' used twice; kept both" in result.output


def test_run_exits_non_zero_when_a_source_fails_after_serving_what_it_could(
    db: Path, tmp_path: Path, inbox: tuple[object, int]
) -> None:
    handler, port = inbox
    config = tmp_path / "config.toml"
    config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\n[sources]\narxiv_categories = []\n'
    )
    base = ["--db", str(db), "--config", str(config)]
    CliRunner().invoke(
        cli, [*base, "profile", "import", str(FIXTURES / "profile.txt"), "--user", "jane"]
    )
    CliRunner().invoke(cli, [*base, "email", "--user", "jane", "jane@example.org"])
    dead = "http://10.255.255.1/feed.xml"  # a private address: refused before any network use
    result = CliRunner().invoke(
        cli,
        [*base, "run", "--date", "2026-06-30", "--source", str(FIXTURES / "listing.jsonl"),
         "--source", dead],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert f"error: source failed: {dead}" in result.output
    assert "jane 2026-06-30:" in result.output and "sent" in result.output
    assert [m["To"] for m in handler.messages] == ["jane@example.org"]  # type: ignore[attr-defined]
