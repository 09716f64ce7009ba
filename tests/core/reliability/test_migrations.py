"""Opening a library written by older code migrates it, keeping every row, after a backup.

The old databases are built here by running ``MIGRATIONS[:v]``, so a new migration is
tested against every older version with no new test: ``OLD_VERSIONS`` grows by itself.
If a migration ever changes a table so that ``fill()`` no longer runs on a version,
add one line to ``FILL_FROM`` naming the first version of the new statements.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import paths
from reader.core.errors import StorageError
from reader.core.library import Library
from reader.core.storage import MIGRATIONS, SCHEMA_VERSION
from reader.core.storage import schema as storage
from tests.conftest import raw_storage

OLD_VERSIONS = range(0, SCHEMA_VERSION)  # 0 is an empty file

TEXT = "A heading line\nThe quick brown fox jumps over the lazy dog.\nA second paragraph, with a café."
DOCUMENT = (
    '{"version": 1, "blocks": [{"kind": "heading", "text": "A heading line", "level": 2},'
    ' {"kind": "paragraph", "text": "The quick brown fox jumps over the lazy dog."},'
    ' {"kind": "paragraph", "text": "A second paragraph, with a café."}]}'
)
V1_FILL = [
    "UPDATE meta SET value = 4 WHERE key = 'change_seq'",
    "INSERT INTO articles (id, title, author, site, url, source_path, source_key, format, published, added,"
    " updated, reading_position, reading_state, content_hash, document, text, word_count, change_seq)"
    f" VALUES (1, 'Old article', 'Ann Author', 'example.org', 'https://example.org/a', NULL,"
    f" 'https://example.org/a', 'html', '2024-11-17T15:26:00', '2024-11-18T10:00:00+00:00',"
    f" '2024-11-18T10:00:00+00:00', 20, 'reading', 'abc', '{DOCUMENT}', '{TEXT}', 20, 4)",
    "INSERT INTO highlights (id, article_id, start, end, exact, prefix, suffix, color, note, created, updated)"
    " VALUES (1, 1, 19, 34, 'quick brown fox', 'A heading line\nThe ', ' jumps', 'green', 'a **note**',"
    " '2024-11-18T10:01:00+00:00', '2024-11-18T10:01:00+00:00')",
    "INSERT INTO highlights (id, article_id, start, end, exact, prefix, suffix, color, note, created, updated)"
    " VALUES (2, 1, NULL, NULL, 'a vanished passage', '', '', 'yellow', '', '2024-11-18T10:02:00+00:00',"
    " '2024-11-18T10:02:00+00:00')",
    "INSERT INTO notes (id, article_id, body, created, updated)"
    " VALUES (1, 1, 'My note', '2024-11-18T10:03:00+00:00', '2024-11-18T10:03:00+00:00')",
    "INSERT INTO tags (id, name, key) VALUES (1, 'Ukraine', 'ukraine'), (2, 'Quotes', 'quotes')",
    "INSERT INTO article_tags (article_id, tag_id) VALUES (1, 1)",
    "INSERT INTO highlight_tags (highlight_id, tag_id) VALUES (1, 2)",
]
# The raw inserts above fire the change triggers (from version 4), which stamp the pending
# number: put the stamp back where the code that wrote the article would have left it.
V1_FILL.append("UPDATE articles SET change_seq = 4 WHERE id = 1")
# Version 5 keeps the stamps out of the article row (issue 14).
V5_FILL = [
    sql.replace(", word_count, change_seq)", ", word_count)").replace(f"'{TEXT}', 20, 4)", f"'{TEXT}', 20)")
    for sql in V1_FILL[:-1]
] + ["UPDATE article_changes SET change_seq = 4 WHERE article_id = 1"]
FILL_FROM: dict[int, list[str]] = {1: V1_FILL, 5: V5_FILL}


def build_old_database(path: Path, version: int) -> None:
    """The database the code of schema ``version`` would have left, with data in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    if version == 0:
        return
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for v in range(version):
            conn.executescript(MIGRATIONS[v] + f"\nPRAGMA user_version = {v + 1};")
        fill = FILL_FROM[max(v for v in FILL_FROM if v <= version)]
        conn.execute("BEGIN")
        for sql in fill:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


def assert_v1_data_kept(lib: Library) -> None:
    article = lib.get(1)
    assert (article.title, article.author, article.site, article.url) == (
        "Old article", "Ann Author", "example.org", "https://example.org/a"
    )
    assert article.published == "2024-11-17T15:26:00"
    assert article.text == TEXT
    assert (article.reading_position, article.reading_state) == (20, "reading")
    assert article.document.blocks[0].kind == "heading"
    assert article.tags == ("Ukraine",)
    live, orphan = article.highlights
    assert (live.start, live.end, live.exact, live.color, live.note, live.tags) == (
        19, 34, "quick brown fox", "green", "a **note**", ("Quotes",)
    )
    assert orphan.orphaned and orphan.exact == "a vanished passage"
    assert [n.body for n in article.notes] == ["My note"]
    assert lib.change_seq() == 4
    # The article's stamp is kept: an index that had seen 4 has nothing to re-read.
    assert raw_storage(lib).changed_since(3) == [(1, 4)] and raw_storage(lib).changed_since(4) == []
    # And it is still a working library: the next change gets the next sequence number.
    lib.tag(1, "more")
    assert lib.change_seq() == 5
    assert raw_storage(lib).changed_since(4) == [(1, 5)]


def backups(home: Path) -> list[Path]:
    folder = paths.backups_dir(home)
    return sorted(folder.glob("*.sqlite3")) if folder.exists() else []


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_old_database_migrates_keeping_its_data(reader_home: Path, version: int) -> None:
    db = paths.database_path(reader_home)
    build_old_database(db, version)
    with Library(reader_home, search=False) as lib:
        assert lib.schema_version() == SCHEMA_VERSION
        assert lib.integrity_check() == "ok"
        if version == 0:
            assert lib.count() == 0
            assert backups(reader_home) == []  # nothing to lose, nothing to back up
        else:
            assert_v1_data_kept(lib)
            (backup,) = backups(reader_home)
            assert backup.name.endswith(f"-before-v{version + 1}.sqlite3")
            check = sqlite3.connect(backup)
            try:
                assert check.execute("PRAGMA user_version").fetchone()[0] == version
                assert check.execute("SELECT title FROM articles").fetchall() == [("Old article",)]
            finally:
                check.close()


def test_change_stamps_leave_the_article_rows_with_their_numbers(reader_home: Path) -> None:
    """Migration 5 (issue 14): each article's stamp moves to ``article_changes`` as it was,
    purged articles keep their tombstones, and the index has nothing new to read."""
    db = paths.database_path(reader_home)
    build_old_database(db, 4)
    conn = sqlite3.connect(db, isolation_level=None)
    for aid, seq in ((2, 2), (3, 7)):
        conn.execute(
            "INSERT INTO articles (id, title, format, added, updated, content_hash, document, text, change_seq)"
            " VALUES (?, 'More', 'text', 't', 't', 'h', '{}', 'words', ?)", (aid, seq))
    conn.execute("INSERT INTO tombstones (article_id, change_seq) VALUES (9, 5)")
    conn.execute("UPDATE meta SET value = 7 WHERE key = 'change_seq'")
    conn.close()
    with Library(reader_home, search=False) as lib:
        store = raw_storage(lib)
        assert store.changed_since(0) == [(2, 2), (1, 4), (9, 5), (3, 7)]
        assert store.changed_since(7) == [] and lib.change_seq() == 7
        assert "change_seq" not in {r[1] for r in store.query("PRAGMA table_info(articles)")}
        lib.add_note(3, "after the move")
        assert store.changed_since(7) == [(3, 8)] and lib.change_seq() == 8


@pytest.fixture
def next_migration(monkeypatch: pytest.MonkeyPatch) -> int:
    """A stand-in for the next schema, so the upgrade path runs on today's schema too."""
    migration = "ALTER TABLE articles ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;"
    monkeypatch.setattr(storage, "MIGRATIONS", [*MIGRATIONS, migration])
    monkeypatch.setattr(storage, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    return SCHEMA_VERSION + 1


def test_current_database_upgrades_to_the_next_schema_after_a_backup(reader_home: Path, next_migration: int) -> None:
    db = paths.database_path(reader_home)
    build_old_database(db, SCHEMA_VERSION)
    with Library(reader_home, search=False) as lib:
        assert lib.schema_version() == next_migration
        assert raw_storage(lib).query_one("SELECT rating FROM articles WHERE id = 1")[0] == 0
        assert_v1_data_kept(lib)
    (backup,) = backups(reader_home)
    assert backup.name.endswith(f"-before-v{next_migration}.sqlite3")
    check = sqlite3.connect(backup)
    try:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("SELECT COUNT(*) FROM highlights").fetchone()[0] == 2
    finally:
        check.close()


def test_failed_migration_leaves_the_old_database_as_it_was(
    reader_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = "ALTER TABLE articles ADD COLUMN rating INTEGER;\nTHIS IS NOT SQL;"
    monkeypatch.setattr(storage, "MIGRATIONS", [*MIGRATIONS, broken])
    monkeypatch.setattr(storage, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    build_old_database(paths.database_path(reader_home), SCHEMA_VERSION)
    with pytest.raises(StorageError):
        Library(reader_home, search=False)
    monkeypatch.setattr(storage, "MIGRATIONS", MIGRATIONS)
    monkeypatch.setattr(storage, "SCHEMA_VERSION", SCHEMA_VERSION)
    with Library(reader_home, search=False) as lib:
        assert lib.schema_version() == SCHEMA_VERSION
        assert "rating" not in {r[1] for r in raw_storage(lib).query("PRAGMA table_info(articles)")}
        assert_v1_data_kept(lib)


def test_newer_database_is_refused_in_one_sentence_and_left_alone(
    reader_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = paths.database_path(reader_home)
    build_old_database(db, SCHEMA_VERSION)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    assert main(["list"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"reader: The library at '{db}' was written by a newer Reader (schema {SCHEMA_VERSION + 1}); "
        f"this one knows schema {SCHEMA_VERSION}.\n"
    )
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    finally:
        conn.close()
    assert backups(reader_home) == []


@pytest.mark.parametrize(
    "content",
    [b"\x00\xffgarbage" * 4000, b"SQLite format 3\x00" + b"\x17" * 8000],
    ids=["random-bytes", "damaged-header"],
)
def test_corrupt_database_is_one_sentence_and_not_overwritten(
    reader_home: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    db = paths.database_path(reader_home)
    db.write_bytes(content)
    for argv in (["list"], ["add", "nothing.txt"], ["show", "1", "--json"]):
        assert main(argv) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(f"reader: The library at '{db}' is damaged")
        assert err.count("\n") == 1 and "Traceback" not in err
    assert db.read_bytes() == content


def test_no_room_for_the_backup_means_no_migration_and_no_half_backup(
    reader_home: Path, next_migration: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = paths.database_path(reader_home)
    build_old_database(db, SCHEMA_VERSION)
    real_connect = sqlite3.connect

    def connect(target: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real_connect(target, *args, **kwargs)  # type: ignore[arg-type]
        if Path(str(target)).parent == paths.backups_dir(reader_home):  # a disk that fills up at once
            conn.execute("PRAGMA max_page_count = 2")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(StorageError, match=r"^The disk holding '.*' is full; nothing was changed\.$"):
        Library(reader_home, search=False)
    monkeypatch.setattr(sqlite3, "connect", real_connect)
    assert list(paths.backups_dir(reader_home).iterdir()) == []  # no file that looks like a backup
    check = sqlite3.connect(db)
    try:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # not migrated
    finally:
        check.close()
