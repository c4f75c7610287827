"""Themes of free-text answers: time to theme 1,000 / 10,000 / 100,000 answers and peak memory (target: 10,000 in
under 60 s). Answers are synthetic, made from the labelled set's styles (an answer plus a clause of another answer of
the same theme), all distinct so nothing is saved by encoding repeated texts once. Each size runs in a fresh process
so its peak resident memory is its own; loading the model is timed apart. Each line also gives the wall and CPU time of
the stages (encoding, grouping, labelling): CPU-seconds tell more than wall time on a busy machine.

`python -m bench comments` runs all three sizes; `python -m bench.comments 10000` one."""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import resource
import time
from pathlib import Path

import yaml

from index.embedding import DEFAULT_MODEL
from survey.themes import Comment, find_themes
from survey.themes.encoder import AnswerEncoder
from survey.themes.stages import StageTimes

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "survey" / "comments_labelled.yaml"
SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000,)


def run(workdir: Path, quick: bool = False, sizes: tuple[int, ...] = ()) -> None:
    context = multiprocessing.get_context("spawn")
    for size in sizes or (QUICK_SIZES if quick else SIZES):
        with context.Pool(1) as pool:
            print(pool.apply(measure, (size,)), flush=True)


def measure(size: int) -> str:
    began = time.perf_counter()
    model = AnswerEncoder(DEFAULT_MODEL)  # as `consult survey themes` loads it
    loaded = time.perf_counter() - began
    comments = synthetic_answers(size)
    times = StageTimes()
    began, cpu_began = time.perf_counter(), time.process_time()
    themes = find_themes(comments, model, times=times)
    took, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = sum(theme.id != "other" for theme in themes.themes)
    load = os.getloadavg()[0]
    return (
        f"{size:>7,} answers: themed in {took:.1f} s ({size / took:.0f} answers/s, {cpu:.0f} CPU-s), {found} themes, "
        f"peak memory {peak_mib:.0f} MiB (model loaded in {loaded:.1f} s, not counted; load average {load:.1f}; "
        f"{'bfloat16' if model.half_precision else 'float32'} encoding)\n         stages: {times.summary()}"
    )


def synthetic_answers(size: int, seed: int = 7) -> list[Comment]:
    rng = random.Random(seed)
    themes = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["themes"]
    pieces = {
        t["id"]: [p.strip() for a in t["answers"] for p in re.split(r"[,.;!?]", a) if len(p.split()) > 2]
        for t in themes
    }
    texts: set[str] = set()
    while len(texts) < size:
        theme = rng.choice(themes)
        text = rng.choice(theme["answers"])
        extra = pieces[theme["id"]]
        if extra and rng.random() < 0.9:
            text = f"{text}. {rng.choice(extra)}"
        if text in texts:
            text = f"{text} ({rng.randint(2, 99)} times now)"
        texts.add(text)
    return [Comment(id=str(number), text=text) for number, text in enumerate(sorted(texts))]


if __name__ == "__main__":  # one size: python -m bench.comments 10000
    import sys

    run(Path(), sizes=tuple(int(arg) for arg in sys.argv[1:]))
