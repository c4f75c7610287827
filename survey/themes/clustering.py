"""Grouping answer vectors: KMeans on normalised embeddings, the number of groups chosen by cosine silhouette.

The silhouette of each k is averaged over a few seeds on a sample, so one lucky split does not decide it (a single
seed picked k=2 on the development set). Answers far from every centre, and groups too small to be a theme, are left
as "other" (-1).

It runs on one thread: these are many small fits, and with two threads the spin-waiting of the idle one cost more than
the second thread gave (choosing k for 10,000 answers: 13 CPU-s with two threads on a busy machine, 3.5 with one)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from survey.themes.model import ThemeSettings, Vectors

Labels = npt.NDArray[np.int64]
SEEDS_PER_K = 3
FINAL_RUNS = 5


def cluster(vectors: Vectors, settings: ThemeSettings) -> Labels:
    """A group number per vector, -1 for "other"."""
    from sklearn.cluster import KMeans  # noqa: F401  # loads scikit-learn's OpenMP before the limit is set
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1):
        return _cluster(vectors, settings)


def _cluster(vectors: Vectors, settings: ThemeSettings) -> Labels:
    if len(vectors) < 2 * settings.min_theme_size:
        return np.full(len(vectors), -1, dtype=np.int64)
    k = choose_k(vectors, settings)
    labels, centres = _kmeans(vectors, k, settings.seed, FINAL_RUNS)
    similarity = np.einsum("ij,ij->i", vectors, centres[labels])
    labels = np.where(similarity < settings.other_similarity, -1, labels)
    return _drop_small(labels, max(settings.min_theme_size, settings.min_group_size))


def choose_k(vectors: Vectors, settings: ThemeSettings) -> int:
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(settings.seed)
    size = min(len(vectors), settings.sample_for_k)
    sample = vectors[rng.choice(len(vectors), size=size, replace=False)]
    largest = min(settings.max_themes, len(sample) // settings.min_theme_size, len(np.unique(sample, axis=0)) - 1)
    smallest = min(settings.min_themes, largest)
    if largest < 2:
        return 1
    # Cosine distances once for every k and seed (the vectors are normalised), not once per silhouette.
    distances = np.clip(1 - sample @ sample.T, 0, 2)
    np.fill_diagonal(distances, 0)
    scores = {}
    for k in range(max(2, smallest), largest + 1):
        runs = [_kmeans(sample, k, settings.seed + run, 1)[0] for run in range(SEEDS_PER_K)]
        scores[k] = float(np.mean([silhouette_score(distances, labels, metric="precomputed") for labels in runs]))
    return max(scores, key=lambda k: scores[k])


def _kmeans(vectors: Vectors, k: int, seed: int, runs: int) -> tuple[Labels, Vectors]:
    from sklearn.cluster import KMeans, MiniBatchKMeans

    many = len(vectors) > 20_000  # full KMeans is slow beyond that; mini-batches find the same broad themes
    model = (MiniBatchKMeans if many else KMeans)(n_clusters=k, n_init=runs, random_state=seed)
    model.fit(vectors)
    centres = model.cluster_centers_.astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True) + 1e-12
    return model.labels_.astype(np.int64), centres


def _drop_small(labels: Labels, smallest: int) -> Labels:
    numbers, counts = np.unique(labels[labels >= 0], return_counts=True)
    small = numbers[counts < smallest]
    return np.where(np.isin(labels, small), -1, labels)
