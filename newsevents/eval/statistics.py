"""Bootstrap statistics over documents: confidence intervals for one system, deltas for two.

Documents are the unit of resampling (items of one document are not independent). Each resample
draws ``n_documents`` documents with replacement; counts are summed over the drawn documents and
turned into precision, recall and F1 exactly as for the full set. The generator is seeded, so a
report is reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from newsevents.eval.counts import prf_array

#: Resamples drawn when not told otherwise.
DEFAULT_RESAMPLES = 1000


#: Draws (resamples x documents) made at a time: bounds the bootstrap's memory to a few times
#: this many 8-byte numbers, whatever the number of documents.
CHUNK_DRAWS = 1_000_000


def resample_weights(n_documents: int, resamples: int, seed: int) -> Iterator[np.ndarray]:
    """How often each document is drawn in each resample, in chunks of about :data:`CHUNK_DRAWS` draws.

    The chunks are a deterministic function of ``(n_documents, resamples, seed)``: two calls with
    the same arguments draw the same resamples, which is what a paired comparison needs.
    """
    rng = np.random.default_rng(seed)
    rows_per_chunk = max(1, CHUNK_DRAWS // max(1, n_documents))
    for start in range(0, resamples, rows_per_chunk):
        size = min(rows_per_chunk, resamples - start)
        draws = rng.integers(0, n_documents, size=(size, n_documents))   # documents drawn, with replacement
        rows = np.repeat(np.arange(size) * n_documents, n_documents)
        yield np.bincount(draws.ravel() + rows, minlength=size * n_documents).reshape(size, n_documents).astype(np.float64)


def bootstrap_scores(per_document: np.ndarray, *, resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                     zero_division: float = 0.0) -> np.ndarray:
    """Precision, recall and F1 of every resample (:func:`~newsevents.eval.counts.prf_array`).

    Parameters
    ----------
    per_document : ndarray, shape (n_documents, n_metrics, 3)
        Counts ``(n_gold, n_pred, n_match)`` of each metric in each document.
    resamples, seed : int
        The same values draw the same resamples (:func:`resample_weights`), so scoring two systems
        with one seed gives a paired bootstrap.
    zero_division : float, default 0.0
        As for the point score, so an interval always contains its point.

    Returns
    -------
    ndarray, shape (resamples, n_metrics, 3)
    """
    n_documents = per_document.shape[0]
    flat = per_document.reshape(n_documents, -1).astype(np.float64)
    chunks = [(weights @ flat) for weights in resample_weights(n_documents, resamples, seed)]
    sums = np.concatenate(chunks) if chunks else np.zeros((0, flat.shape[1]))
    return prf_array(sums.reshape(sums.shape[0], *per_document.shape[1:]), zero_division)


def percentile_intervals(samples: np.ndarray, level: float = 0.95) -> np.ndarray:
    """``samples`` of shape (resamples, ...) -> (..., 2) lower and upper percentile bounds."""
    tail = (1 - level) / 2 * 100
    return np.moveaxis(np.percentile(samples, [tail, 100 - tail], axis=0), 0, -1)


def confidence_intervals(per_document: np.ndarray, *, resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                         level: float = 0.95, zero_division: float = 0.0) -> np.ndarray:
    """Percentile bootstrap intervals: shape ``(n_metrics, 3 (P, R, F1), 2 (low, high))``.

    With no document at all every interval is ``[zero_division, zero_division]``.
    """
    if per_document.shape[0] == 0:
        return np.full((per_document.shape[1], 3, 2), float(zero_division))
    samples = bootstrap_scores(per_document, resamples=resamples, seed=seed, zero_division=zero_division)
    return percentile_intervals(samples, level)
