from __future__ import annotations

from index.build import chunk_context
from index.chunking import MAX_WORDS, chunk_document, embedding_text, parse_blocks, section_at
from index.embedding import Embedder
from knowledge.corpus import default_corpus_dir, load_corpus
from knowledge.documents import Document, DocumentMeta, Kind


def _document(text: str) -> Document:
    return Document(meta=DocumentMeta(id="doc", title="T", kind=Kind.PLAN, file="docs/doc.md"), text=text)


def test_every_chunk_and_sentence_is_an_exact_span_of_the_clean_text() -> None:
    for document in load_corpus(default_corpus_dir()):
        for chunk in chunk_document(document):
            assert document.text[chunk.start : chunk.end] == chunk.text
            assert all(chunk.start <= s.start < s.end <= chunk.end for s in chunk.sentences)
            assert all(
                document.text[s.start : s.end].strip() == document.text[s.start : s.end] for s in chunk.sentences
            )


def test_chunks_stay_within_the_size_range_and_the_model_window(embedder: Embedder) -> None:
    sizes = []
    for document in load_corpus(default_corpus_dir()):
        context = chunk_context(document.meta)
        for chunk in chunk_document(document, context, embedder.count_tokens, embedder.max_tokens):
            sizes.append(len(chunk.text.split()))
            assert embedder.count_tokens(embedding_text(chunk, context)) <= embedder.max_tokens
    assert max(sizes) <= MAX_WORDS
    # Short chunks come only from short sections; most chunks are in the intended range.
    assert sum(60 <= s <= MAX_WORDS for s in sizes) / len(sizes) > 0.8


def test_a_chunk_never_crosses_a_heading_and_remembers_it() -> None:
    text = "# Knife crime\n\n" + "Knives are seized. " * 30 + "\n\n# Road safety\n\n" + "Speeding is tackled. " * 30
    chunks = chunk_document(_document(text))
    assert [c.section for c in chunks] == ["Knife crime", "Road safety"]
    assert "Speeding" not in chunks[0].text and "Knives" not in chunks[1].text


def test_a_long_paragraph_is_split_between_sentences() -> None:
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(80))
    chunks = chunk_document(_document(text))
    assert len(chunks) == 4
    assert all(c.text.endswith("words.") for c in chunks)


def test_a_single_huge_sentence_is_cut_to_fit_the_window(embedder: Embedder) -> None:
    text = "word " * 600
    chunks = chunk_document(_document(text.strip()), "", embedder.count_tokens, embedder.max_tokens)
    assert len(chunks) > 1
    assert all(embedder.count_tokens(c.text) <= embedder.max_tokens for c in chunks)


def test_list_items_are_blocks_without_their_markers() -> None:
    text = "## Pledges\n\n1. Crack down on ASB\n2. Be tough on crime\n\n- Visible patrols\n"
    blocks = parse_blocks(text)
    assert [text[b.start : b.end] for b in blocks] == ["Crack down on ASB", "Be tough on crime", "Visible patrols"]
    assert section_at(text, text.index("Visible")) == "Pledges"
