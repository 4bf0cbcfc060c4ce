"""The web app over a real store: accounts, CSRF, feedback, isolation, search, map, feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from paperfeed.records import Paper
from paperfeed.store import Store
from paperfeed.web.app import create_app, warm_up
from tests.web_data import (
    ALICE_OWN,
    BOB_OWN,
    DAY,
    EARLIER,
    LISTING,
    PASSWORD,
    fake_embedder,
    paper,
    seed_store,
    settings_for,
)

ATOM = "{http://www.w3.org/2005/Atom}"
ALICE_ONLY = ("Alice graph neural networks", "Alice scalable graph transformers")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    db = seed_store(tmp_path / "web.db")
    yield db
    db.close()


@pytest.fixture
def app(store: Store, tmp_path: Path) -> Starlette:
    return create_app(
        store, settings_for(tmp_path / "web.db"), embedder=fake_embedder(), secret="test-secret"
    )


def client_for(app: Starlette) -> TestClient:
    return TestClient(app, follow_redirects=False)


def csrf_of(client: TestClient, path: str = "/signin") -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def signed_in(app: Starlette, user: str) -> TestClient:
    client = client_for(app)
    response = client.post(
        "/signin", data={"user": user, "password": PASSWORD, "csrf": csrf_of(client)}
    )
    assert response.status_code == 303, response.text
    return client


def test_sign_up_sign_in_sign_out(app: Starlette, store: Store) -> None:
    client = client_for(app)
    data = {"user": "Carol", "password": "long enough pw", "csrf": csrf_of(client, "/signup")}
    response = client.post("/signup", data=data)
    assert response.status_code == 303 and response.headers["location"] == "/profile"
    assert store.has_user("carol") and store.password_hash("carol") != "long enough pw"
    assert client.get("/profile").status_code == 200
    client.post("/signout", data={"csrf": csrf_of(client, "/profile")})
    assert client.get("/profile").headers["location"] == "/signin"
    wrong = client.post(
        "/signin", data={"user": "carol", "password": "wrong password", "csrf": csrf_of(client)}
    )
    assert wrong.status_code == 400 and "Wrong user name or password" in wrong.text
    right = client.post(
        "/signin", data={"user": "carol", "password": "long enough pw", "csrf": csrf_of(client)}
    )
    assert right.status_code == 303 and client.get("/").status_code == 200


@pytest.mark.parametrize("name", ["alice", "ALICE"])
def test_sign_up_with_a_taken_name_fails(app: Starlette, store: Store, name: str) -> None:
    client = client_for(app)
    before = store.password_hash("alice")
    response = client.post(
        "/signup",
        data={"user": name, "password": "another password", "csrf": csrf_of(client, "/signup")},
    )
    assert response.status_code == 400 and "is taken" in response.text
    assert store.password_hash("alice") == before


def test_sign_up_rejects_bad_input(app: Starlette) -> None:
    client = client_for(app)
    token = csrf_of(client, "/signup")
    short = client.post("/signup", data={"user": "dave", "password": "short", "csrf": token})
    assert short.status_code == 400 and "password" in short.text
    odd = client.post("/signup", data={"user": "../x", "password": "long enough", "csrf": token})
    assert odd.status_code == 400 and "user" in odd.text


def test_pages_need_sign_in(app: Starlette) -> None:
    client = client_for(app)
    for path in ("/", "/profile", "/search?q=graph", "/map"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/signin"
    assert client.post("/feedback", data={}).status_code == 403


def test_every_post_needs_the_csrf_token(app: Starlette, store: Store) -> None:
    client = signed_in(app, "alice")
    forms = {
        "/feedback": {"paper_id": LISTING[0].id, "rating": "up"},
        "/profile/include": {"paper_id": ALICE_OWN[0].id, "included": "no"},
        "/profile/rules": {"include_keywords": "x"},
        "/profile/settings": {"top": "5", "schedule": "daily"},
        "/profile/feed-token": {},
        "/profile/signout-everywhere": {},
        "/signout": {},
    }
    token_before = store.get_setting("alice", "feed_token")
    for path, data in forms.items():
        assert client.post(path, data=data).status_code == 403, path
        assert client.post(path, data={**data, "csrf": "forged"}).status_code == 403, path
    anonymous = client_for(app)
    csrf_of(anonymous)  # a session with a token of its own
    login = {"user": "alice", "password": PASSWORD}
    assert anonymous.post("/signin", data=login).status_code == 403
    assert store.feedback("alice") == []
    assert store.get_setting("alice", "feed_token") == token_before
    assert all(included for _, included in store.profile_links("alice"))
    assert client.get("/").status_code == 200  # still signed in


def test_feedback_is_stored_and_shown_after_reload(app: Starlette, store: Store) -> None:
    client = signed_in(app, "alice")
    page = client.get("/")
    assert "Equivariant graph networks" in page.text and "shared terms: graph networks" in page.text
    pid = LISTING[0].id
    response = client.post(
        "/feedback",
        data={"paper_id": pid, "rating": "up", "next": "/", "csrf": csrf_of(client, "/")},
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert [(f.paper_id, f.rating) for f in store.feedback("alice")] == [(pid, 1)]
    article = _article(client.get("/").text, pid)
    assert re.search(
        r'data-rating="up" value="clear"\s+class="thumb up" aria-pressed="true"', article
    )
    assert 'class="thumb down" aria-pressed="false"' in article
    as_json = client.post(
        "/feedback",
        headers={"Accept": "application/json"},
        data={"paper_id": pid, "rating": "down", "csrf": csrf_of(client, "/")},
    )
    assert as_json.json() == {"ok": True, "paper_id": pid, "rating": -1}
    assert store.feedback("alice")[0].rating == -1
    client.post(
        "/feedback", data={"paper_id": pid, "rating": "clear", "csrf": csrf_of(client, "/")}
    )
    assert store.feedback("alice") == []


def _article(html: str, paper_id: str) -> str:
    match = re.search(
        rf'<article class="paper" id="p-{re.escape(paper_id)}".*?</article>', html, re.S
    )
    assert match, f"paper {paper_id} not on the page"
    return match.group(0)


def test_feedback_rejects_unknown_papers_and_foreign_redirects(app: Starlette) -> None:
    client = signed_in(app, "alice")
    token = csrf_of(client, "/")
    unknown = client.post(
        "/feedback", data={"paper_id": "9999.99999", "rating": "up", "csrf": token}
    )
    assert unknown.status_code == 400
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            "/feedback",
            data={"paper_id": LISTING[0].id, "rating": "up", "next": target, "csrf": token},
        )
        assert response.headers["location"] == "/"


def test_digest_page_marks_shown_and_lists_earlier_days(app: Starlette, store: Store) -> None:
    client = signed_in(app, "alice")
    page = client.get("/").text
    assert f"3 papers for {DAY}" in page and f'href="/?date={EARLIER}"' in page
    assert store.shown_ids("alice") >= {LISTING[0].id, LISTING[2].id, LISTING[3].id}
    earlier = client.get(f"/?date={EARLIER}").text
    assert f"1 paper for {EARLIER}" in earlier


def test_output_is_escaped_and_unsafe_links_dropped(app: Starlette) -> None:
    client = signed_in(app, "alice")
    page = client.get("/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page
    search = client.get("/search", params={"q": '"><script>x</script>'}).text
    assert "<script>x</script>" not in search


def test_security_headers(app: Starlette) -> None:
    response = client_for(app).get("/signin")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "httponly" in response.headers["set-cookie"].lower()


def test_search_finds_stored_papers_with_thumbs(app: Starlette) -> None:
    client = signed_in(app, "bob")
    page = client.get("/search", params={"q": "speech recognition"}).text
    assert "Speech recognition for low resource languages" in page
    assert 'class="thumb up"' in page and "transducer speech recognition" in page
    empty = client.get("/search", params={"q": "zzzunknownword"}).text
    assert "No paper matches “zzzunknownword”" in empty


def test_topic_map_is_an_svg_with_labels_and_legend(app: Starlette) -> None:
    client = signed_in(app, "alice")
    page = client.get("/map")
    assert page.status_code == 200
    svg = re.search(r"<svg xmlns=.*?</svg>", page.text, re.S)
    assert svg, "no inline SVG"
    ET.fromstring(svg.group(0))  # well-formed
    drawn = svg.group(0)
    assert drawn.count('class="mark own') == len(ALICE_OWN)
    assert drawn.count('class="mark ctx"') == len(LISTING) - 3  # the day's other papers
    assert [int(n) for n in re.findall(r'<text y="4.2">(\d+)</text>', drawn)] == [3, 2, 1]
    assert "<title>Your paper: Alice graph neural networks" in drawn
    assert "<title>#1: Equivariant graph networks" in drawn
    assert 'class="label ilabel c0"' in drawn  # an interest's label written on the map
    assert 'class="legend"' in page.text and 'class="swatch g0"' in page.text
    assert '<script src="/static/map.js" defer></script>' in page.text
    data = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page.text)
    assert data and '"kind": "pick"' in data.group(1) and '"rank": 1' in data.group(1)
    assert "<script>" not in data.group(1)  # titles cannot end the data block


def test_atom_feed_with_token_and_404_without(app: Starlette, store: Store) -> None:
    client = signed_in(app, "alice")
    profile = client.get("/profile").text
    match = re.search(r'value="(http://testserver/feed/alice\.atom\?token=[^"]+)"', profile)
    assert match, "no feed address on the profile page"
    url = match.group(1).replace("&amp;", "&")
    anonymous = client_for(app)
    feed = anonymous.get(url)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith(
        "application/atom+xml"
    )
    root = ET.fromstring(feed.content)
    assert root.tag == f"{ATOM}feed"
    titles = {e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")}
    assert "Equivariant graph networks for molecule generation" in titles
    assert anonymous.get("/feed/alice.atom").status_code == 404
    assert anonymous.get("/feed/alice.atom?token=wrong").status_code == 404
    assert anonymous.get("/feed/nobody.atom?token=wrong").status_code == 404
    client.post("/profile/feed-token", data={"csrf": csrf_of(client, "/profile")})
    assert anonymous.get(url).status_code == 404


def test_profile_page_and_its_forms(app: Starlette, store: Store) -> None:
    client = signed_in(app, "alice")
    page = client.get("/profile").text
    assert all(title in page for title in ALICE_ONLY)
    token = csrf_of(client, "/profile")
    client.post(
        "/profile/include", data={"paper_id": ALICE_OWN[1].id, "included": "no", "csrf": token}
    )
    stored_id = store.resolve_id(ALICE_OWN[1].id, user="alice")  # an upload: alice's own row
    assert dict((p.id, inc) for p, inc in store.profile_links("alice"))[stored_id] is False
    assert "Left out" in client.get("/profile").text
    client.post(
        "/profile/rules",
        data={
            "include_keywords": "diffusion\nprotein",
            "exclude_keywords": "survey",
            "followed_authors": "Ada Lovelace",
            "csrf": token,
        },
    )
    assert store.rules("alice")["include_keywords"] == ("diffusion", "protein")
    assert store.rules("alice")["followed_authors"] == ("Ada Lovelace",)
    client.post(
        "/profile/settings",
        data={"top": "7", "schedule": "weekly", "email": "alice@example.org", "csrf": token},
    )
    assert store.get_setting("alice", "top") == 7
    assert store.get_setting("alice", "schedule") == "weekly"
    assert store.email("alice") == "alice@example.org"
    bad = client.post(
        "/profile/settings", data={"top": "0", "schedule": "weekly", "email": "x", "csrf": token}
    )
    assert bad.status_code == 303 and store.get_setting("alice", "top") == 7
    assert "Not saved" in client.get("/profile").text


def test_profile_import_by_upload(app: Starlette, store: Store) -> None:
    client = signed_in(app, "bob")
    listing = Path(__file__).parent / "fixtures" / "files" / "listing.txt"
    before = len(store.profile_links("bob"))
    response = client.post(
        "/profile/import",
        data={"csrf": csrf_of(client, "/profile")},
        files={"file": ("mine.txt", listing.read_bytes(), "text/plain")},
    )
    assert response.status_code == 303
    assert len(store.profile_links("bob")) > before
    assert "new in your profile" in client.get("/profile").text


def test_sign_out_everywhere_ends_other_sessions(app: Starlette) -> None:
    first, second = signed_in(app, "alice"), signed_in(app, "alice")
    first.post("/profile/signout-everywhere", data={"csrf": csrf_of(first, "/profile")})
    assert second.get("/").headers["location"] == "/signin"


def test_one_user_cannot_reach_another_users_data(app: Starlette, store: Store) -> None:
    alice = signed_in(app, "alice")
    alice.post(
        "/feedback", data={"paper_id": LISTING[0].id, "rating": "up", "csrf": csrf_of(alice, "/")}
    )
    alice.get("/profile")
    alice_token = store.get_setting("alice", "feed_token")
    assert alice_token
    bob = signed_in(app, "bob")
    for path in (
        "/",
        f"/?date={DAY}",
        f"/?date={EARLIER}",
        "/profile",
        "/map",
        "/search?q=Alice",
        "/search?q=graph",
        "/?user=alice",
        "/profile?user=alice",
    ):
        page = bob.get(path).text
        assert not any(title in page for title in ALICE_ONLY if "search" not in path), path
        # the map shows the whole day's listing as context, but only Bob's own picks
        listed_anyway = path.startswith(("/search", "/map"))
        assert "Equivariant graph networks" not in page or listed_anyway, path
        assert "#1: Equivariant graph networks" not in page, path
        assert 'aria-pressed="true"' not in page, path  # Alice's thumbs never show for Bob
        assert alice_token not in page, path
    assert BOB_OWN[0].title in bob.get("/profile").text
    token = csrf_of(bob, "/profile")
    bob.post(
        "/feedback",
        data={"paper_id": LISTING[0].id, "rating": "down", "user": "alice", "csrf": token},
    )
    assert [(f.paper_id, f.rating) for f in store.feedback("alice")] == [(LISTING[0].id, 1)]
    assert (
        bob.post(
            "/profile/include",
            data={"paper_id": ALICE_OWN[0].id, "included": "no", "user": "alice", "csrf": token},
        ).status_code
        == 404
    )
    assert all(included for _, included in store.profile_links("alice"))
    bob.post(
        "/profile/rules", data={"include_keywords": "bob-rule", "user": "alice", "csrf": token}
    )
    assert store.rules("alice")["include_keywords"] == ()
    bob_token = store.get_setting("bob", "feed_token")
    assert bob.get(f"/feed/alice.atom?token={bob_token}").status_code == 404
    assert bob.get(f"/feed/bob.atom?token={bob_token}").status_code == 200


def test_healthz(app: Starlette) -> None:
    response = client_for(app).get("/healthz")
    assert response.status_code == 200 and response.text == "ok"


def test_todays_digest_is_ranked_when_none_is_saved(app: Starlette, store: Store) -> None:
    new_day = "2026-07-01"
    store.upsert_papers(
        [
            paper(
                "2607.00001",
                "Graph networks predict molecule properties",
                "message passing graph networks for molecules",
                new_day,
            ),
            paper(
                "2607.00002",
                "Speech recognition on phones",
                "streaming speech recognition with transducers",
                new_day,
            ),
        ]
    )
    client = signed_in(app, "alice")
    page = client.get("/").text
    assert new_day in store.digest_dates("alice") and f"for {new_day}" in page
    picks = [r.paper.id for r in store.load_digest("alice", new_day)]
    assert picks and picks[0] == "2607.00001"
    client.post(
        "/feedback", data={"paper_id": "2607.00002", "rating": "down", "csrf": csrf_of(client, "/")}
    )
    rated = {f.paper_id: f.rating for f in store.load_profile("alice").feedback}
    assert rated == {"2607.00002": -1}  # what the next ranking reads


def test_a_new_user_without_papers_is_told_what_to_do(app: Starlette) -> None:
    client = client_for(app)
    client.post(
        "/signup",
        data={"user": "erin", "password": "long enough pw", "csrf": csrf_of(client, "/signup")},
    )
    page = client.get("/").text
    assert "<h1>Import your papers to get a digest</h1>" in page
    assert "No new papers" not in page and "no new papers" not in page
    assert 'href="/profile#import"' in page and 'id="import"' in client.get("/profile").text
    assert "Re-rank today" not in page
    assert "to see your interests and your picks on the map" in client.get("/map").text


def test_repeated_wrong_passwords_are_throttled(app: Starlette) -> None:
    client = client_for(app)
    token = csrf_of(client)
    for _ in range(5):
        wrong = client.post("/signin", data={"user": "alice", "password": "guess", "csrf": token})
        assert wrong.status_code == 400
    right = client.post("/signin", data={"user": "alice", "password": PASSWORD, "csrf": token})
    assert right.status_code == 429 and "Too many failed attempts" in right.text
    assert signed_in(app, "bob")  # other names are not affected


def test_profile_shows_interests_and_flags_a_namesakes_paper(app: Starlette, store: Store) -> None:
    stranger = Paper(
        id="2403.00009",
        title="Medieval poetry and rhyme in old manuscripts",
        abstract="verse meter rhyme scribes parchment",
        authors=("Zed Quill",),
        date="2024-03-01",
    )
    store.upsert_papers([stranger], listed=False)
    store.add_profile_papers("alice", [stranger.id])
    page = signed_in(app, "alice").get("/profile").text
    interests = re.search(r'<ul class="interests">(.*?)</ul>', page, re.S)
    assert interests and interests.group(1).count("<li>") >= 1
    row = re.search(r"Medieval poetry.*?</tr>", page, re.S)
    assert row and "Possibly a namesake" in row.group(0)
    first = re.search(r"Alice graph neural networks.*?</tr>", page, re.S)
    assert first and "namesake" not in first.group(0)


def test_warm_up_prepares_the_newest_day_in_the_store(app: Starlette, store: Store) -> None:
    store.upsert_papers([paper("2606.00001", "Earlier graph paper", "Graphs.", day=EARLIER)])
    before = store.counts()
    lines: list[str] = []
    warm_up(app.state.web, report=lines.append).join(timeout=60)
    after = store.counts()
    assert lines and lines[0].startswith(f"paperfeed: {DAY} prepared (")
    assert after["vectors"] - before["vectors"] == len(store.papers_on(DAY))


def test_views_share_the_day_prepared_by_the_warm_up(
    app: Starlette, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperfeed.ranking import ranker as ranker_module

    new_day = "2026-07-01"
    store.upsert_papers(
        [
            paper("2607.00001", "Graph networks for molecules", "message passing graphs", new_day),
            paper("2607.00002", "Speech recognition on phones", "speech transducers", new_day),
        ]
    )
    calls: list[int] = []
    real_encode = ranker_module.encode

    def counted(papers, space, embed):  # type: ignore[no-untyped-def]
        calls.append(len(papers))
        return real_encode(papers, space, embed)

    monkeypatch.setattr(ranker_module, "encode", counted)
    warm_up(app.state.web).join(timeout=60)
    assert signed_in(app, "alice").get("/").status_code == 200
    assert signed_in(app, "bob").get("/").status_code == 200
    assert calls == [2]  # both digests were ranked from the warm-up's index
    assert store.load_digest("alice", new_day)[0].paper.id == "2607.00001"
    assert store.load_digest("bob", new_day)[0].paper.id == "2607.00002"
    store.upsert_papers([paper("2607.00003", "A later graph paper", "Graphs.", day=new_day)])
    app.state.web.prepared(new_day)
    assert calls == [2, 3]  # an ingest makes it prepare the day again


def test_a_bad_or_unknown_date_is_said_not_swapped_for_the_newest(app: Starlette) -> None:
    client = signed_in(app, "alice")
    garbage = client.get("/?date=garbage", headers={"accept": "text/html"})
    assert garbage.status_code == 400 and "is not a date: use YYYY-MM-DD" in garbage.text
    unknown = client.get("/?date=2020-01-01", headers={"accept": "text/html"})
    assert unknown.status_code == 404 and "No digest of 2020-01-01" in unknown.text
    assert DAY in unknown.text  # names the days there are
    assert client.get(f"/?date={EARLIER}").status_code == 200


def test_an_import_error_is_red_and_a_duplicate_key_warning_is_shown(
    app: Starlette, store: Store
) -> None:
    client = signed_in(app, "bob")
    token = csrf_of(client, "/profile")
    client.post("/profile/import", data={"csrf": token},
                files={"file": ("mine.bib", b"", "text/plain")})  # fmt: skip
    page = client.get("/profile").text
    assert re.search(r'<div class="flash error" role="alert">\s*<p>Not imported: mine\.bib', page)
    bib = (
        b"@article{k, title={Streaming transducers}, author={Bob Ode}}\n"
        b"@article{k, title={Keyword spotting on phones}, author={Bob Ode}}\n"
    )
    client.post("/profile/import", data={"csrf": token},
                files={"file": ("dup.bib", bib, "text/plain")})  # fmt: skip
    page = client.get("/profile").text
    assert '<div class="flash warning" role="status">' in page
    assert "key &#39;k&#39; used twice; kept both" in page and "dup.bib, line 2" in page
    titles = {p.title for p, _ in store.profile_links("bob")}
    assert {"Streaming transducers", "Keyword spotting on phones"} <= titles


def test_saving_rules_offers_a_rerank_that_shows_the_change_today(
    app: Starlette, store: Store
) -> None:
    new_day = "2026-07-01"
    store.upsert_papers(
        [
            paper("2607.00001", "Graph networks predict molecule properties",
                  "message passing graph networks for molecules", new_day),
            paper("2607.00003", "Molecule graph transformers at scale",
                  "graph transformers for molecule property prediction", new_day),
            paper("2607.00004", "Graph kernels for molecules",
                  "kernel methods over molecule graphs", new_day),
        ]
    )  # fmt: skip
    client = signed_in(app, "alice")
    client.get("/")
    before = [r.paper.id for r in store.load_digest("alice", new_day)]
    assert "2607.00003" in before and "Re-rank today" in client.get("/").text
    liked = before[0] if before[0] != "2607.00003" else before[1]
    token = csrf_of(client, "/profile")
    client.post("/feedback", data={"paper_id": liked, "rating": "up", "csrf": token})
    client.post("/profile/rules", data={"exclude_keywords": "transformers", "csrf": token})
    page = client.get("/profile").text
    assert "Rules saved." in page and 'action="/rerank"' in page
    assert "from the next digest" not in page
    assert [r.paper.id for r in store.load_digest("alice", new_day)] == before  # not yet
    done = client.post("/rerank", data={"csrf": token})
    assert done.status_code == 303 and done.headers["location"] == "/"
    after = [r.paper.id for r in store.load_digest("alice", new_day)]
    assert "2607.00003" not in after
    assert after.index(liked) == before.index(liked), "the paper rated up keeps its place"
    assert "ranked again with your ratings, rules and settings" in client.get("/").text


def test_search_counts_authors_pages_and_more_like_this(app: Starlette, store: Store) -> None:
    from paperfeed.embed import EmbeddingCache

    client = signed_in(app, "bob")
    page = client.get("/search", params={"q": "Lovelace"}).text
    assert "5 results for “Lovelace”" in page  # the 4 listed papers and Bob's own, not Alice's
    assert "Alice scalable graph transformers" not in page
    more = re.findall(r'<a class="more" href="(/search\?like=[^"]+)"', page)
    assert len(more) == 5
    EmbeddingCache(fake_embedder(), store).embed_papers(LISTING)  # kept in the store
    like = client.get(f"/search?like={LISTING[3].id}").text
    assert "Similar papers" in like and "Graph transformers meet proteins" in like
    assert "The 3 papers closest in meaning, among 4 listed papers" in like
    assert client.get(f"/search?like={ALICE_OWN[0].id}").status_code == 404
    store.upsert_papers(
        [
            paper(f"2606.2{n:04d}", f"Lovelace engines part {n}", "analytical engines")
            for n in range(20)
        ]
    )
    first = client.get("/search", params={"q": "Lovelace"}).text
    assert "25 results for “Lovelace”; 1–20 shown" in first and "Page 1 of 2" in first
    assert 'href="/search?q=Lovelace&amp;page=2" rel="next"' in first
    second = client.get("/search", params={"q": "Lovelace", "page": "2"}).text
    assert "21–25 shown" in second and second.count('class="paper"') == 5


def test_digest_page_and_feed_show_summaries_and_the_trending_section(
    store: Store, tmp_path: Path
) -> None:
    from paperfeed.config import LlmConfig
    from paperfeed.records import Reason, Recommendation

    llm = LlmConfig(base_url="http://127.0.0.1:9/v1", model="m", language="English")
    settings = settings_for(tmp_path / "web.db").model_copy(update={"llm": llm})
    app = create_app(store, settings, embedder=fake_embedder(), secret="test-secret")
    store.put_summaries({LISTING[0].id: "Equivariant nets make molecules."}, "m", "English", 1)
    store.put_why("alice", {LISTING[0].id: "It extends your graph work."}, "m", "English", 1)
    store.put_why("bob", {LISTING[0].id: "BOB ONLY LINE"}, "m", "English", 1)
    hot = paper("2606.10099", "A rising graph paper", "graphs everywhere", "2026-06-28")
    store.upsert_papers([hot])
    rising = Recommendation(hot, 2.0, 1, (Reason("trending", "40 upvotes on HF"),))
    store.save_trending("alice", DAY, [rising])
    alice = signed_in(app, "alice")
    page = alice.get("/").text
    assert "Equivariant nets make molecules." in page and "It extends your graph work." in page
    assert "BOB ONLY LINE" not in page
    assert "Trending in your interests" in page and "40 upvotes on HF" in page
    alice.get("/profile")
    token = store.get_setting("alice", "feed_token")
    feed = client_for(app).get(f"/feed/alice.atom?token={token}").text
    assert "TL;DR: Equivariant nets make molecules." in feed and "BOB ONLY LINE" not in feed
