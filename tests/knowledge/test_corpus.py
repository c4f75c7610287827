from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.corpus import CorpusError, add_document, corpus_hash, load_corpus, load_manifest
from knowledge.documents import DocumentMeta, Kind
from tests.conftest import REPO

CORPUS = REPO / "knowledge" / "corpus"
FURNITURE = [
    "top of page",
    "Rated 0 out of 5",
    "Add a rating",
    "DOWNLOAD THE APP",
    "Related Articles",
    "Comments",
    "Subscribe to our weekly newsletter",
    "Website by MSEC",
    "Try Our AI Features",
    "app-store",
]


def _normalise(text: str) -> str:
    return " ".join(text.replace("**", "").split())


def test_the_seed_corpus_has_seven_clean_documents_with_metadata() -> None:
    documents = load_corpus(CORPUS)
    assert len(documents) == 7
    by_id = {d.id: d.meta for d in documents}
    assert by_id["miller-mayor-policing-blog"].kind is Kind.MANIFESTO
    assert by_id["pfcc-police-fire-crime-plan"].kind is Kind.PLAN
    assert {m.id for m in by_id.values() if m.kind is Kind.NEWS} == {
        "news-met-live-facial-recognition-unlawful",
        "news-pc-predator-jailed",
        "news-iopc-caroline-flack",
    }
    # Only dates the text states: the magazine's print issue; every other document states none.
    assert {m.id: m.published for m in by_id.values() if m.published} == {"london-assembly-virtual-police": "2017-08"}


def test_page_furniture_is_gone() -> None:
    for document in load_corpus(CORPUS):
        for furniture in FURNITURE:
            assert furniture not in document.text, (document.id, furniture)


def test_every_curated_paragraph_is_verbatim_from_its_source() -> None:
    for document in load_corpus(CORPUS):
        assert document.meta.source
        raw = _normalise((CORPUS / document.meta.source).read_text(encoding="utf-8"))
        for line in document.text.splitlines():
            content = re.sub(r"^(#+|-|\d\.)\s+", "", line).strip()
            if content:
                assert _normalise(content) in raw, (document.id, content[:60])


def test_the_duplicate_news_copy_is_merged_keeping_its_extra_sentences() -> None:
    text = {d.id: d.text for d in load_corpus(CORPUS)}["news-met-live-facial-recognition-unlawful"]
    assert "'both lawful and proportionate, playing a key role in keeping Londoners safe'" in text
    assert "biometric data automatically deleted unless there is a match" in text
    assert text.count("The Equality and Human Rights Commission (EHRC) has said") == 1


def test_adding_a_document_writes_text_and_manifest(corpus_copy: Path) -> None:
    meta = DocumentMeta(id="new-doc", title="New", kind=Kind.NEWS, speaker="Paper", file="docs/new-doc.md")
    add_document(corpus_copy, meta, "Some new words about policing.\r\n\r\n\r\nAnd more.")
    assert (corpus_copy / "docs" / "new-doc.md").read_text() == "Some new words about policing.\n\nAnd more.\n"
    assert [m.id for m in load_manifest(corpus_copy)][-1] == "new-doc"
    assert len(load_corpus(corpus_copy)) == 8


@pytest.mark.parametrize(
    ("doc_id", "text", "message"),
    [
        ("miller-mayor-policing-blog", "Fresh text with enough words.", "already exists"),
        ("empty-doc", "  \n ", "no readable text"),
    ],
)
def test_bad_additions_change_nothing(corpus_copy: Path, doc_id: str, text: str, message: str) -> None:
    before = {p: p.read_bytes() for p in corpus_copy.rglob("*") if p.is_file()}
    meta = DocumentMeta(id=doc_id, title="T", kind=Kind.NEWS, file=f"docs/{doc_id}.md")
    with pytest.raises(CorpusError, match=message):
        add_document(corpus_copy, meta, text)
    assert {p: p.read_bytes() for p in corpus_copy.rglob("*") if p.is_file()} == before


def test_the_same_text_twice_is_refused(corpus_copy: Path) -> None:
    existing = (corpus_copy / "docs" / "news-pc-predator-jailed.md").read_text()
    meta = DocumentMeta(id="copy", title="T", kind=Kind.NEWS, file="docs/copy.md")
    with pytest.raises(CorpusError, match="already in the corpus as 'news-pc-predator-jailed'"):
        add_document(corpus_copy, meta, existing)


def test_a_broken_manifest_is_reported_clearly(tmp_path: Path) -> None:
    (tmp_path / "manifest.yaml").write_text("documents:\n  - id: x\n    title: T\n    kind: pamphlet\n    file: a.md\n")
    with pytest.raises(CorpusError, match=r"document 1: (id|kind)"):
        load_manifest(tmp_path)


def test_corpus_hash_changes_with_any_edit(corpus_copy: Path) -> None:
    before = corpus_hash(load_corpus(corpus_copy))
    path = corpus_copy / "docs" / "news-pc-predator-jailed.md"
    path.write_text(path.read_text() + "One more sentence.\n")
    assert corpus_hash(load_corpus(corpus_copy)) != before
