"""The model every section works on: the saved checkpoint of the chosen size and text, else the untrained one.

The entry chooses it once per full run (:func:`choose_model`) and passes the choice to every section,
so a section rerunning alone keeps working on the same model; the training section reruns the whole
page when a new checkpoint appears. The server process never builds the model: what the sections show
of it (config, tokenizer, parameter count) is read from the checkpoint or the settings, and the model
itself lives in the torch worker (:class:`ModelSource`). Also here: the next-character logits (computed
in the worker) and the model-loading preamble every section's snippet starts with.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from lib import sampling
from lib.transformer import CharTokenizer, ModelConfig
from lib.transformer import inspect as ti
from lib.transformer.checkpoint import CheckpointInfo, read_checkpoint_info
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.generation import encode_prompt, next_token_logits
from lib.transformer.pretrained import DEFAULT_SETTINGS, TINY_CORPUS_CHARS, TINY_SETTINGS
from pages._common import show_error, snippet, torch_worker
from runtime.model_cache import checkpoint_path
from runtime.worker import ModelSource, on_model

SIZES = {  # settings, characters of the stdlib to train on (None: all), CPU threads (None: torch's default)
    "default": (DEFAULT_SETTINGS, None, None),
    "tiny": (TINY_SETTINGS, TINY_CORPUS_CHARS, 1),  # tiny matrices: a second thread only waits
}
# The untrained model's vocabulary: what ascii_text leaves of any text.
ASCII_VOCABULARY = "".join(sorted("\t\n" + "".join(chr(c) for c in range(32, 127))))


@st.cache_data(max_entries=4, show_spinner=False)
def trained_info(path: str, modified: float) -> CheckpointInfo:
    """What the checkpoint at ``path`` says about its model, read without building it (``modified`` keys
    retraining); ValueError if it is no checkpoint or its weights do not fit its config."""
    info = read_checkpoint_info(Path(path))
    if info.n_parameters != ti.n_parameters(info.config):  # the worker's load_state_dict would refuse it
        raise ValueError(f"{Path(path).name}: its weights do not fit its config.")
    return info


@st.cache_data(max_entries=4, show_spinner=False)
def untrained_info(size: str) -> tuple[ModelConfig, CharTokenizer, int]:
    """The same architecture at its random initialisation, over printable ASCII: config, tokenizer, parameters.

    The weights themselves are drawn in the worker (``ModelSource`` with the settings' seed).
    """
    tokenizer = CharTokenizer(ASCII_VOCABULARY)
    config = SIZES[size][0].model_config(tokenizer.vocab_size)
    return config, tokenizer, ti.n_parameters(config)


@st.cache_data(max_entries=64, show_spinner=False)
def logits_for(source: ModelSource, ids: tuple[int, ...]) -> np.ndarray:
    return torch_worker().call(on_model, source, next_token_logits, ids)


def stdlib_texts(max_chars: int | None) -> Callable[[], tuple[str, str]]:
    def load() -> tuple[str, str]:
        corpus = stdlib_corpus(max_chars=max_chars)
        return corpus.train, corpus.validation

    return load


@dataclass(frozen=True)
class TrainingText:
    """What the model of this size is trained on: the corpus name, how to read it, whether it was uploaded."""

    corpus: str
    load: Callable[[], tuple[str, str]]
    uploaded: bool


def saved_at(path: Path) -> float | None:
    """When the checkpoint at ``path`` was written (None: there is none)."""
    return path.stat().st_mtime if path.is_file() else None


@dataclass(frozen=True)
class ModelChoice:
    """The model the sections work on; ``metrics`` is None when it is the untrained one."""

    size: str
    text: TrainingText
    device: str
    path: Path
    saved_at: float | None  # the checkpoint's time when chosen: a newer one means the choice is out of date
    config: ModelConfig
    tokenizer: CharTokenizer
    n_parameters: int  # TinyGPT(config).n_parameters(): the model itself lives in the worker
    source: ModelSource
    metrics: dict | None

    @property
    def trained(self) -> bool:
        return self.metrics is not None

    def context(self, prompt: str) -> tuple[int, ...]:
        """The ids the model sees of ``prompt`` (its last ``max_seq_len`` characters); ValueError names bad ones."""
        return tuple(encode_prompt(self.tokenizer, prompt)[-self.config.max_seq_len :])


def choose_model(size: str, text: TrainingText, device: str) -> ModelChoice:
    """The saved model of this size and text on ``device``; the untrained one if none loads (an error says why)."""
    settings = SIZES[size][0]
    path = checkpoint_path(settings, text.corpus)
    modified = saved_at(path)
    if modified is not None:
        try:
            info = trained_info(str(path), modified)
        except Exception as err:  # a damaged or foreign file: say so, work on the untrained model, offer to retrain
            show_error(
                ValueError(
                    f"The saved model {path.name} could not be loaded ({type(err).__name__}); "
                    "train again to replace it."
                )
            )
        else:
            source = ModelSource(device=device, path=str(path), modified=modified)
            return ModelChoice(
                size, text, device, path, modified, info.config, info.tokenizer, info.n_parameters, source, info.metrics
            )
    config, tokenizer, n_parameters = untrained_info(size)
    source = ModelSource(device=device, config=config, vocabulary=tokenizer.vocabulary, seed=settings.seed)
    return ModelChoice(size, text, device, path, modified, config, tokenizer, n_parameters, source, None)


def most_likely_first(logits: np.ndarray, tau: float) -> np.ndarray:
    """Character indices by probability at ``tau``, most likely first; ties (τ = 0) by logit."""
    return np.lexsort((-logits, -sampling.softmax(logits, tau)))


LOAD_MODEL = """
from lib.transformer.checkpoint import load_checkpoint
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.pretrained import TrainingSettings, stdlib_corpus_name, train_model
from runtime.model_cache import trained_checkpoint

settings = TrainingSettings(**$settings)
path = trained_checkpoint(settings, stdlib_corpus_name($max_chars))  # trained by the page on this machine?
if path is not None:
    model, tokenizer, metrics = load_checkpoint(path, "cpu")
    print("loaded", path, metrics)
else:  # a quick stand-in: 30 steps on 100,000 characters of the standard library
    corpus = stdlib_corpus(max_chars=100_000)
    quick = dataclasses.replace(settings, steps=30, eval_every=30, eval_batches=1)
    result = train_model(corpus.train, corpus.validation, quick, device="cpu")
    model, tokenizer = result.model, result.tokenizer
    print("validation loss", result.val_losses[-1], "nats/char")
"""
KNOWN_PROMPT = """
prompt = "".join(c for c in $prompt if c in tokenizer.vocabulary) or tokenizer.vocabulary[0]
"""


def model_snippet(choice: ModelChoice, imports: str, body: str, *, prompt: str | None = None, **values) -> str:
    """A section's snippet: load (or quickly train) the standard-library model of this size, then ``body``.

    ``imports`` are the section's own import lines; with ``prompt``, the prompt (its characters the
    snippet's model knows) is defined before ``body``.
    """
    settings, max_chars, _ = SIZES[choice.size]
    head = "\n".join(line for line in ("import dataclasses\n", imports.strip("\n")) if line)
    steps = [LOAD_MODEL.strip("\n"), body.strip("\n")]
    if prompt is not None:
        steps.insert(1, KNOWN_PROMPT.strip("\n"))
        values["prompt"] = prompt
    code = head + "\n" + "\n\n".join(steps)
    return snippet(code, settings=dict(vars(settings)), max_chars=max_chars, **values)
