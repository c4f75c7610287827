"""Property-based: any file handed to ingestion gives text or a clear CorpusError, never another exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.corpus import CorpusError
from knowledge.ingest import extract_text

PDF_LIKE = st.binary(max_size=400).map(lambda b: b"%PDF-1.4\n" + b + b"\n%%EOF")
HTML_LIKE = st.text(max_size=400).map(lambda t: f"<html><body><p>{t}</p><script>{t}</script></body></html>")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from([".txt", ".md", ".html", ".pdf"]),
    st.one_of(st.binary(max_size=600), st.text(max_size=600).map(str.encode), PDF_LIKE, HTML_LIKE.map(str.encode)),
)
def test_ingestion_gives_text_or_a_clear_error(tmp_path: Path, suffix: str, content: bytes) -> None:
    path = tmp_path / f"upload{suffix}"
    path.write_bytes(content)
    try:
        text = extract_text(path)
    except CorpusError as error:
        assert str(error).startswith("upload")
        return
    assert len(text.split()) >= 3 and "\x00" not in text
