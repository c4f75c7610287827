"""The sentence-transformers model as themes use it: answers come by the thousand, so they are encoded in batches of
128 (index.embedding's batches of 32 suit a question or a few passages). On this 2-core machine a batch of 128 short
answers took about 0.57 times the CPU time of four batches of 32 (600 answers: 11.4 against 20.0 CPU-s under load).

Where the processor multiplies bfloat16 natively (AVX512-BF16 or AMX), the model runs in bfloat16: 1,000 answers took
2.6 CPU-s against 7.9 in float32 (one thread), every vector within cosine 0.996 of its float32 one and the themes'
quality unchanged (tests/survey/test_themes_quality.py). Elsewhere bfloat16 is emulated and slower, so float32 stays.

Encoding uses every core the process may run on. On the idle 2-core machine, 10,000 answers took 22.8 s and 43 CPU-s
to encode on two threads against 65.6 s and 65 CPU-s on one. On a machine already busy (load average 14-20) a second
thread's spin-waiting cost more CPU than it saved; the figures above are the case that matters, an official's run."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from survey.themes.model import Vectors

BATCH_SIZE = 128


class AnswerEncoder:
    """L2-normalised float32 vectors of many short texts (a TextEncoder)."""

    def __init__(self, model_name: str, half_precision: bool | None = None) -> None:
        """half_precision: bfloat16 weights; by default when the processor has bfloat16 arithmetic."""
        import torch

        from index.embedding import load_model  # sets the model libraries' environment; the packaged weights

        self.name = model_name
        self._model: Any = load_model(model_name)
        self.half_precision = native_bfloat16() if half_precision is None else half_precision
        if self.half_precision:
            self._model.to(torch.bfloat16)

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> Vectors:
        import torch

        parts = []
        threads = torch.get_num_threads()
        torch.set_num_threads(available_cores())
        try:
            for first in range(0, len(texts), BATCH_SIZE):
                batch = list(texts[first : first + BATCH_SIZE])
                vectors = self._model.encode(
                    batch, batch_size=BATCH_SIZE, convert_to_tensor=True, show_progress_bar=False
                )
                parts.append(vectors.float().numpy().reshape(len(batch), -1))
                if progress:
                    progress(len(batch))
        finally:
            torch.set_num_threads(threads)
        model = self._model
        dimension = int((getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension)())
        if not parts:
            return np.zeros((0, dimension), dtype=np.float32)
        vectors = np.vstack(parts).astype(np.float32)
        # Normalised here, in float32: a bfloat16 norm is off by up to 1%, which cosine thresholds would feel.
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


def native_bfloat16() -> bool:
    import torch

    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # an older torch: assume no
        return False


def available_cores() -> int:
    """The cores this process may run on (where the platform says), else all of them."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
