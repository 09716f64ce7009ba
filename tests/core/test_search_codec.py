"""The postings format with positions apart (reader/core/search/codec.py): what is written is
read back the same, doc numbers and frequencies without unpacking the positions."""

from __future__ import annotations

import random

from whoosh import fields as wf
from whoosh.filedb.filestore import FileStorage

from reader.core.search import codec as codec_mod
from reader.core.search.codec import SplitCodec, SplitLeafMatcher


def _index(tmp_path, docs: list[str]):
    schema = wf.Schema(id=wf.ID(stored=True), body=wf.TEXT(chars=True))
    ix = FileStorage(str(tmp_path)).create_index(schema)
    writer = ix.writer(codec=SplitCodec(compression=1))
    for i, text in enumerate(docs):
        writer.add_document(id=str(i), body=text)
    writer.commit()
    return ix


def test_postings_read_back_as_written_with_values_only_when_asked(tmp_path, monkeypatch) -> None:
    rnd = random.Random(2)
    words = ["alpha", "beta", "gamma", "delta"]
    docs = [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 40))) for _ in range(700)]
    ix = _index(tmp_path, docs)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        m = reader.postings("body", "gamma")
        assert isinstance(m, SplitLeafMatcher)
        loaded: list[int] = []
        real = codec_mod._LazyValues.load
        monkeypatch.setattr(codec_mod._LazyValues, "load", lambda self: loaded.append(1) or real(self))
        ids, freqs = [], []
        while m.is_active():
            ids.append(m.id())
            freqs.append(m.weight())
            m.next()
        assert len(docs) > 2 * 128 and loaded == []          # several blocks, no positions unpacked
        want = [i for i, d in enumerate(docs) if "gamma" in d.split()]
        assert ids == want
        assert freqs == [docs[i].split().count("gamma") for i in want]

        m = reader.postings("body", "gamma")
        m.skip_to(want[-1])
        chars = m.value_as("characters")
        text = docs[want[-1]]
        assert [text[s:e] for _pos, s, e in chars] == ["gamma"] * text.split().count("gamma")
        assert loaded == [1]                                 # only that block's values


def test_phrases_and_merges_work_on_the_split_format(tmp_path) -> None:
    ix = _index(tmp_path, ["the quick brown fox", "brown quick fox", "a quick brown dog"])
    writer = ix.writer(codec=SplitCodec(compression=1))
    writer.add_document(id="3", body="quick brown again")
    writer.commit(optimize=True)                              # a merge reads and rewrites every block
    from whoosh import query as wq

    with ix.searcher() as searcher:
        hits = searcher.search(wq.Phrase("body", ["quick", "brown"]), limit=10)
        assert sorted(h["id"] for h in hits) == ["0", "2", "3"]
