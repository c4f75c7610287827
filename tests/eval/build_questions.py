"""Build tests/eval/questions.yaml and safety.yaml from their hand-written sources.

Gold quotes are located in the documents (so `text[start:end] == quote` by construction), questions are grouped by gold
passage (spans that overlap or sit in the same paragraph, joined across a question's spans), and whole groups are split
dev / test, so no paraphrase of a test question's passage is in dev. Out-of-scope questions and safety messages are
split evenly within each style. Run: .venv/bin/python -m tests.eval.build_questions
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.corpus import default_corpus_dir, load_corpus

HERE = Path(__file__).resolve().parent
ALIASES = {
    "M": "miller-mayor-policing-blog",
    "P": "pfcc-police-fire-crime-plan",
    "H": "hirst-manifesto-commitments",
    "L": "london-assembly-virtual-police",
    "F": "news-iopc-caroline-flack",
    "R": "news-met-live-facial-recognition-unlawful",
    "C": "news-pc-predator-jailed",
}
# Typed quotes use straight punctuation and plain spaces; the documents use curly quotes, dashes and no-break spaces.
_EQUIVALENT = {"'": "['‘’]", '"': '["“”]', "-": "[-‑–—]", " ": "[ \u00a0\u202f]"}
LONG_PARAGRAPH = 800  # a line longer than this is a whole article: cut into windows of WINDOW characters
WINDOW = 400
ENUMERATION_ITEMS = 3


@dataclass(frozen=True)
class Span:
    doc: str
    start: int
    end: int
    quote: str


def locate(text: str, typed: str) -> tuple[int, int]:
    pattern = "".join(_EQUIVALENT.get(ch, re.escape(ch)) for ch in typed)
    found = [m.span() for m in re.finditer(pattern, text)]
    if len(found) != 1:
        raise SystemExit(f"quote found {len(found)} times (need exactly once): {typed!r}")
    return found[0]


def paragraph_keys(text: str, span: Span) -> list[tuple[str, int, int]]:
    """The paragraph a span sits in: its line; for an enumeration separated by semicolons, its item; for a very long
    line (a news article captured without paragraph breaks), the fixed windows the span touches."""
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.start)
    line = text[line_start : len(text) if line_end == -1 else line_end]
    if line.count(";") >= ENUMERATION_ITEMS:
        return [(span.doc, line_start, line.count(";", 0, span.start - line_start))]
    if len(line) <= LONG_PARAGRAPH:
        return [(span.doc, line_start, 0)]
    first, last = (span.start - line_start) // WINDOW, (span.end - 1 - line_start) // WINDOW
    return [(span.doc, line_start, w) for w in range(first, last + 1)]


class Groups:
    """Union-find over question indices."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def resolve_gold(entries: list[dict[str, Any]], texts: dict[str, str]) -> list[list[Span]]:
    golds = []
    for entry in entries:
        spans = []
        for item in entry.get("g", []):
            alias, typed = item.split("|", 1)
            doc = ALIASES[alias]
            start, end = locate(texts[doc], typed)
            spans.append(Span(doc, start, end, texts[doc][start:end]))
        golds.append(spans)
    return golds


def passage_groups(golds: list[list[Span]], texts: dict[str, str]) -> dict[int, int]:
    groups = Groups(len(golds))
    by_key: dict[tuple[str, int, int], int] = {}
    spans = [(i, s) for i, g in enumerate(golds) for s in g]
    for i, span in spans:
        for key in paragraph_keys(texts[span.doc], span):
            if key in by_key:
                groups.join(i, by_key[key])
            by_key.setdefault(key, i)
    for i, a in spans:  # overlapping spans on different lines (multi-line quotes)
        for j, b in spans:
            if a.doc == b.doc and a.start < b.end and b.start < a.end:
                groups.join(i, j)
    return {i: groups.find(i) for i in range(len(golds)) if golds[i]}


def assign_splits(members: dict[int, list[int]], golds: list[list[Span]]) -> dict[int, str]:
    """Whole passage groups to dev or test, balancing the questions of each group's main document."""
    counts: dict[tuple[str, str], int] = Counter()
    split_of: dict[int, str] = {}
    ordered = sorted(members, key=lambda root: (-len(members[root]), _digest(_group_key(members[root], golds))))
    for root in ordered:
        doc = Counter(s.doc for i in members[root] for s in golds[i]).most_common(1)[0][0]
        parity = int(_digest(_group_key(members[root], golds))[:2], 16) % 2
        dev, test = counts[(doc, "dev")], counts[(doc, "test")]
        split = ("dev", "test")[parity] if dev == test else ("dev" if dev < test else "test")
        split_of[root] = split
        counts[(doc, split)] += len(members[root])
    return split_of


def _group_key(indices: list[int], golds: list[list[Span]]) -> str:
    return "|".join(sorted(f"{s.doc}:{s.start}" for i in indices for s in golds[i]))


def even_split(items: list[tuple[str, str]]) -> dict[str, str]:
    """Alternate dev / test within each style, in an order fixed by the text's hash."""
    by_style: dict[str, list[str]] = defaultdict(list)
    for text, style in items:
        by_style[style].append(text)
    split: dict[str, str] = {}
    for style, texts in sorted(by_style.items()):
        for n, text in enumerate(sorted(texts, key=_digest)):
            split[text] = ("dev", "test")[(n + len(style)) % 2]
    return split


def build_questions(
    texts: dict[str, str], source: str = "questions_source.yaml", labelled: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The labelled questions split dev / test by passage group; given the `labelled` rows, the training questions
    instead (all "train"), a training question sharing a paragraph with labelled evidence joining that passage group,
    so cross-validation keeps them in the same fold."""
    train = labelled is not None
    entries: list[dict[str, Any]] = yaml.safe_load((HERE / source).read_text(encoding="utf-8"))
    golds = resolve_gold(entries, texts)
    roots = passage_groups(golds, texts)
    members: dict[int, list[int]] = defaultdict(list)
    for i, root in roots.items():
        members[root].append(i)
    split_of = dict.fromkeys(members, "train") if train else assign_splits(members, golds)
    oos_items = [(e["q"], e["s"]) for e, g in zip(entries, golds, strict=True) if not g]
    oos_split = {text: "train" for text, _ in oos_items} if train else even_split(oos_items)
    in_order = sorted(members, key=lambda root: min(members[root]))
    passage_prefix, id_prefix = ("t", "t") if train else ("p", "q")
    passage_names = {root: f"{passage_prefix}{n:03d}" for n, root in enumerate(in_order, start=1)}
    if labelled is not None:
        passage_of_paragraph = {
            key: row["passage"]
            for row in labelled
            for g in row.get("gold", [])
            for key in paragraph_keys(texts[g["doc"]], Span(g["doc"], g["start"], g["end"], g["quote"]))
        }
        for root in members:
            keys = [k for i in members[root] for s in golds[i] for k in paragraph_keys(texts[s.doc], s)]
            shared = sorted({passage_of_paragraph[k] for k in keys if k in passage_of_paragraph})
            if shared:
                passage_names[root] = shared[0]
    rows = []
    for i, (entry, gold) in enumerate(zip(entries, golds, strict=True)):
        answerable = bool(gold)
        row: dict[str, Any] = {
            "id": f"{id_prefix}-{_digest(entry['q'])[:7]}",
            "split": split_of[roots[i]] if answerable else oos_split[entry["q"]],
            "expect": "answer" if answerable else "abstain",
            "category": "in_scope" if answerable else entry["s"].removeprefix("oos_"),
            "style": entry["s"],
            "question": entry["q"],
        }
        if answerable:
            row["match"] = entry.get("m", "any")
            row["passage"] = passage_names[roots[i]]
            row["gold"] = [{"doc": s.doc, "quote": s.quote, "start": s.start, "end": s.end} for s in gold]
        rows.append(row)
    return rows


def build_safety() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load((HERE / "safety_source.yaml").read_text(encoding="utf-8"))
    split = even_split([(e["q"], f"{e['label']}/{e['s']}") for e in entries])
    return [
        {
            "id": f"s-{_digest(e['q'])[:7]}",
            "split": split[e["q"]],
            "label": e["label"],
            "style": e["s"],
            "message": e["q"],
        }
        for e in entries
    ]


def write(path: Path, header: str, rows: list[dict[str, Any]]) -> None:
    ids = [row["id"] for row in rows]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    if duplicates:
        raise SystemExit(f"duplicate messages: {duplicates}")
    body = yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(header + body, encoding="utf-8")


def main() -> None:
    texts = {d.id: d.text for d in load_corpus(default_corpus_dir())}
    questions = build_questions(texts)
    write(
        HERE / "questions.yaml",
        "# GENERATED by tests/eval/build_questions.py from questions_source.yaml: edit the source, then re-run it.\n"
        "# gold.start/end are Python str offsets into knowledge/corpus/docs/<doc>.md; passage = gold passage group,\n"
        "# each group wholly in one split. match: any (one gold span suffices) or all (each document's evidence).\n",
        questions,
    )
    write(
        HERE / "training.yaml",
        "# GENERATED by tests/eval/build_questions.py from training_source.yaml: edit the source, then re-run it.\n"
        "# Questions to fit on beside the dev split (split: train); never evaluated. Fields as in questions.yaml.\n",
        build_questions(texts, "training_source.yaml", labelled=questions),
    )
    if (HERE / "safety_source.yaml").exists():
        write(
            HERE / "safety.yaml",
            "# GENERATED by tests/eval/build_questions.py from safety_source.yaml: edit the source, then re-run it.\n"
            "# label: emergency (999), crime_report (101), question (neither), vote_advice (refused).\n",
            build_safety(),
        )
    print(Counter((q["split"], q["expect"]) for q in questions))


if __name__ == "__main__":
    main()
