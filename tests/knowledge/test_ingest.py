from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from knowledge.corpus import CorpusError
from knowledge.ingest import extract_text

ARTICLE = (
    "The commissioner announced that neighbourhood patrols will double in every town centre next year. "
    "Residents at the public meeting asked for more officers on foot rather than in cars, and the force agreed "
    "to publish monthly figures so that people can see whether the promise is kept."
)

HTML_PAGE = f"""<!doctype html><html><head><title>Patrols to double</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Patrols to double</h1><p>{ARTICLE}</p>
<h2>What happens next</h2><p>A consultation opens in the spring and closes after twelve weeks of meetings.</p></article>
<aside><h3>Related articles</h3><ul><li><a href="/a">Football club wins cup</a></li></ul></aside>
<div id="comments"><h3>Comments</h3><p>Rated 0 out of 5 stars. No ratings yet.</p></div>
<footer>Download our app today from your preferred app store. © 2025 Example News</footer>
</body></html>"""


def test_plain_text_and_markdown_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("# Priorities\n\n- More patrols\n- Fewer burglaries\n\r\n" + ARTICLE + "\n")
    text = extract_text(path)
    assert text.startswith("# Priorities\n\n- More patrols\n- Fewer burglaries\n\n")
    assert ARTICLE in text


def test_html_keeps_the_article_and_drops_the_page_furniture(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE)
    text = extract_text(path)
    assert "neighbourhood patrols will double in every town centre" in text
    assert "A consultation opens in the spring" in text
    for furniture in ("Sport", "Football club wins cup", "Rated 0 out of 5", "Download our app"):
        assert furniture not in text


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, ARTICLE)
    path = tmp_path / "plan.pdf"
    pdf.output(str(path))
    text = extract_text(path)
    assert "neighbourhood patrols will double" in " ".join(text.split())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
        ("notes.txt", b"\x00\x01\x02binary", "binary"),
        ("notes.txt", "caf\xe9 latin-1 text here".encode("latin-1"), "not UTF-8"),
        ("notes.txt", b"   \n\n  ", "no readable text"),
        ("sheet.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("empty.html", b"<html><body><nav>Home</nav></body></html>", "no readable text"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        extract_text(path)


def test_a_missing_file_gets_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="cannot read"):
        extract_text(tmp_path / "nowhere.txt")
