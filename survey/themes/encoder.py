"""The sentence-transformers model as themes use it: answers come by the thousand, so they are encoded in batches of
128 (index.embedding's batches of 32 suit a question or a few passages). On this 2-core machine a batch of 128 short
answers took about 0.57 times the CPU time of four batches of 32 (600 answers: 11.4 against 20.0 CPU-s under load)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from survey.themes.model import Vectors

BATCH_SIZE = 128


class AnswerEncoder:
    """L2-normalised float32 vectors of many short texts (a TextEncoder)."""

    def __init__(self, model_name: str) -> None:
        from index.embedding import load_model  # the packaged weights, the model libraries quiet

        self.name = model_name
        self._model: Any = load_model(model_name)

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> Vectors:
        parts = []
        for first in range(0, len(texts), BATCH_SIZE):
            batch = list(texts[first : first + BATCH_SIZE])
            vectors = self._model.encode(
                batch, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
            parts.append(np.asarray(vectors, dtype=np.float32).reshape(len(batch), -1))
            if progress:
                progress(len(batch))
        model = self._model
        dimension = int((getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension)())
        return np.vstack(parts) if parts else np.zeros((0, dimension), dtype=np.float32)
