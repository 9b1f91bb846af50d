"""An optional multilingual sentence-embedding backend, loaded from a local path only."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


class SentenceEmbedder:
    """A sentence-transformers model (e.g. a multilingual MiniLM) from a folder on disk.

    Nothing is fetched: the path must exist, and the Hugging Face hub is switched off before
    the model loads. Needs ``pip install sentence-transformers``, which EduBridge does not
    install by default.
    """

    def __init__(self, path: str | os.PathLike[str], batch_size: int = 64) -> None:
        folder = Path(path)
        if not folder.is_dir():
            raise ValueError(f"embedding model: no folder at {folder}")
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ValueError("embedding model: install sentence-transformers to use one") from exc
        self.model = SentenceTransformer(str(folder), device="cpu")
        self.batch_size = batch_size

    def __call__(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True)
        )
