"""The tiny GPT the lab trains: its default settings, one training run, and its training text.

Pure: :func:`train_model` trains in the calling thread and returns the model. Where checkpoints
live on disk (:mod:`runtime.model_cache`) and how the server runs training in the background
(:mod:`runtime.training`, :mod:`runtime.jobs`, :mod:`runtime.worker`) are not lib's.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from lib.device import pick_device
from lib.transformer.checkpoint import save_checkpoint
from lib.transformer.corpus import ascii_text
from lib.transformer.evaluation import evaluate, unigram_loss
from lib.transformer.model import ModelConfig, TinyGPT
from lib.transformer.tokenizer import CharTokenizer
from lib.transformer.train import TrainStep, train

#: Names the standard library of this Python (its text is fixed per version).
STDLIB_CORPUS = f"stdlib-{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True)
class TrainingSettings:
    """The model and the optimisation of one training run.

    The default (0.8 M parameters, 400 steps of 32 windows of 128 characters, AdamW at 3e-3 with
    50 warm-up steps and cosine decay) trains in about 90 s on a quiet 2-core CPU and reaches
    about 1.5 nats/char on held-out standard-library modules.
    """

    d_model: int = 128
    n_heads: int = 4
    n_layers: int = 4
    max_seq_len: int = 128
    batch_size: int = 32
    steps: int = 400
    lr: float = 3e-3
    warmup_steps: int = 50
    eval_every: int = 50
    eval_batches: int = 4
    seed: int = 0

    def __post_init__(self) -> None:
        counts = ("d_model", "n_heads", "n_layers", "max_seq_len", "batch_size", "steps", "eval_every", "eval_batches")
        for name in counts:
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if not 0 < self.lr < 1:
            raise ValueError(f"lr must lie in (0, 1), got {self.lr}.")

    def model_config(self, vocab_size: int) -> ModelConfig:
        """The TinyGPT architecture of this run (RoPE, RMSNorm, SwiGLU, pre-norm: the defaults)."""
        return ModelConfig(
            vocab_size=vocab_size,
            d_model=self.d_model,
            n_heads=self.n_heads,
            n_layers=self.n_layers,
            max_seq_len=self.max_seq_len,
        )


DEFAULT_SETTINGS = TrainingSettings()

#: A run that takes seconds (about 30 k parameters, 60 steps on a 200,000-character slice of the
#: standard library): for a quick look, and for the page's tests. It learns spaces and indentation,
#: not Python.
TINY_SETTINGS = TrainingSettings(
    d_model=32, n_heads=2, n_layers=2, batch_size=8, steps=60, lr=1e-2, warmup_steps=10, eval_every=20, eval_batches=2
)
TINY_CORPUS_CHARS = 200_000


@dataclass(frozen=True)
class TrainingProgress:
    """Reported after every step; ``val_loss`` only on evaluation steps (nats/char);
    ``unigram_val_loss`` is the baseline to beat on the same validation text."""

    step: int
    steps: int
    train_loss: float
    val_loss: float | None
    elapsed_s: float
    unigram_val_loss: float | None = None


@dataclass(frozen=True)
class TrainingResult:
    """A trained model with its tokenizer and what the run measured (losses in nats/char)."""

    model: TinyGPT
    tokenizer: CharTokenizer
    train_losses: tuple[float, ...]
    val_steps: tuple[int, ...]
    val_losses: tuple[float, ...]
    unigram_val_loss: float
    wall_time_s: float
    stopped_early: bool

    @property
    def metrics(self) -> dict[str, float]:
        return {
            "val_loss": self.val_losses[-1],
            "unigram_val_loss": self.unigram_val_loss,
            "steps": float(len(self.train_losses)),
            "wall_time_s": self.wall_time_s,
        }


def corpus_id(text: str) -> str:
    """A short fingerprint of an uploaded training text (its SHA-256)."""
    return "text-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def stdlib_corpus_name(max_chars: int | None = None) -> str:
    """The corpus name of the standard library, or of its first ``max_chars`` training characters."""
    return STDLIB_CORPUS if max_chars is None else f"{STDLIB_CORPUS}-first-{int(max_chars)}"


def split_text(text: str, validation_fraction: float = 0.1, min_chars: int = 5_000) -> tuple[str, str]:
    """Split an uploaded text by position: the first 90 % trains, the last 10 % validates.

    Example
    -------
    >>> train, val = split_text("ab" * 5_000)
    >>> len(train), len(val)
    (9000, 1000)
    """
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must lie in (0, 1), got {validation_fraction}.")
    if len(text) < min_chars:
        raise ValueError(f"The training text has {len(text):,} characters; it needs at least {min_chars:,}.")
    cut = round(len(text) * (1 - validation_fraction))
    return text[:cut], text[cut:]


def read_training_text(raw: bytes, max_bytes: int = 2_000_000) -> str:
    r"""An uploaded training file as text: UTF-8, at most ``max_bytes``, normalised by ``ascii_text``.

    Example
    -------
    >>> read_training_text("naïve café\n".encode())
    'na?ve caf?\n'
    """
    if len(raw) > max_bytes:
        raise ValueError(f"The file has {len(raw):,} bytes; upload at most {max_bytes:,}.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"The file is not UTF-8 text (byte {err.start:,} cannot be decoded); save it as UTF-8 and upload again."
        ) from None
    return ascii_text(text.removeprefix("\ufeff"))


def train_model(
    train_text: str,
    validation_text: str,
    settings: TrainingSettings = DEFAULT_SETTINGS,
    *,
    device: str = "auto",
    callback: Callable[[TrainingProgress], bool | None] | None = None,
    save_to: Path | None = None,
) -> TrainingResult:
    """Train a TinyGPT on ``train_text``, evaluating on ``validation_text`` every ``eval_every`` steps.

    The tokenizer covers the characters of both texts. ``callback`` works as in
    :func:`lib.transformer.train.train`: returning ``False`` stops early (the last evaluation
    then happens at the stopping step). With ``save_to`` the result is saved there atomically.
    """
    needed = settings.max_seq_len + 2
    if len(train_text) < needed or len(validation_text) < needed:
        raise ValueError(f"The training and validation texts need at least {needed} characters each.")
    tokenizer = CharTokenizer.from_text(train_text + validation_text)
    train_ids = torch.tensor(tokenizer.encode(train_text))
    val_ids = torch.tensor(tokenizer.encode(validation_text))
    torch.manual_seed(settings.seed)
    model = TinyGPT(settings.model_config(tokenizer.vocab_size)).to(pick_device(device))
    val_steps: list[int] = []
    val_losses: list[float] = []
    start = time.perf_counter()
    baseline = unigram_loss(train_ids.tolist(), val_ids.tolist(), tokenizer.vocab_size)

    def validate(step: int) -> float:
        loss = evaluate(model, val_ids, batches=settings.eval_batches, batch_size=settings.batch_size)
        val_steps.append(step)
        val_losses.append(loss)
        return loss

    def on_step(done: TrainStep) -> bool | None:
        val = validate(done.step) if done.step % settings.eval_every == 0 or done.step == settings.steps else None
        if callback is None:
            return None
        elapsed = time.perf_counter() - start
        progress = TrainingProgress(done.step, settings.steps, done.loss, val, elapsed, baseline)
        return callback(progress)

    train_losses = train(
        model,
        train_ids,
        settings.steps,
        batch_size=settings.batch_size,
        lr=settings.lr,
        warmup_steps=settings.warmup_steps,
        seed=settings.seed,
        callback=on_step,
    )
    stopped_early = len(train_losses) < settings.steps
    if not val_steps or val_steps[-1] != len(train_losses):
        validate(len(train_losses))
    result = TrainingResult(
        model=model,
        tokenizer=tokenizer,
        train_losses=tuple(train_losses),
        val_steps=tuple(val_steps),
        val_losses=tuple(val_losses),
        unigram_val_loss=baseline,
        wall_time_s=time.perf_counter() - start,
        stopped_early=stopped_early,
    )
    if save_to is not None:
        save_checkpoint(save_to, model, tokenizer, result.metrics)
    return result
