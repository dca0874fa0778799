"""Sampling page: generation with and without the KV cache, training steps, softmax, the page's rerun.

The default training run itself (minutes) is ``python -m bench.train_default``, not part of this table.
"""

from __future__ import annotations

import threading

import numpy as np
import scipy.special
import torch
import torch.nn.functional as F

from bench.common import Result, compare, page_rerun
from lib.device import pick_device
from lib.sampling import softmax
from lib.transformer import TinyGPT, generate
from lib.transformer.generation import next_token_logits
from lib.transformer.inspect import torch_threads
from lib.transformer.pretrained import DEFAULT_SETTINGS
from lib.transformer.train import train
from runtime.worker import ModelSource, TorchWorker, on_model

VOCAB = 97  # printable ASCII, newline and tab: the stdlib corpus
VOCABULARY = "".join(chr(c) for c in range(32, 127)) + "\t\n"
NEW_TOKENS = 100
TRAIN_STEPS = 5


def _default_model(device: torch.device) -> TinyGPT:
    torch.manual_seed(0)
    return TinyGPT(DEFAULT_SETTINGS.model_config(VOCAB)).to(device).eval()


def generation_tokens_per_second(repeats: int) -> Result:
    """100 new characters at τ = 1 after a 16-character prompt, the default model (0.8 M parameters),
    on one CPU thread as the page samples (on shared cores a second thread makes it many times slower)."""
    device = pick_device("auto")
    model = _default_model(device)
    prompt = torch.randint(0, VOCAB, (1, 16), device=device)
    with torch_threads(1 if device.type == "cpu" else None):
        ours_s, anchor_s = compare(
            lambda: generate(model, prompt, NEW_TOKENS, temperature=1.0, seed=0, use_kv_cache=True),
            lambda: generate(model, prompt, NEW_TOKENS, temperature=1.0, seed=0, use_kv_cache=False),
            max(1, repeats // 2),
        )
    return Result(
        f"generate {NEW_TOKENS} chars, KV cache ({device.type}, 1 thread): {NEW_TOKENS / ours_s:,.0f} chars/s",
        ours_s,
        f"no cache: {NEW_TOKENS / anchor_s:,.0f} chars/s",
        anchor_s,
    )


def training_steps_per_second(repeats: int) -> Result:
    """5 steps of lib.transformer.train at the default settings (batch 32 × 128 characters) against the
    same steps in a bare torch loop (AdamW, F.cross_entropy; no schedule, no clipping), both on one thread."""
    device = pick_device("auto")
    data = torch.randint(0, VOCAB, (200_000,))
    model = _default_model(device)
    T, B = DEFAULT_SETTINGS.max_seq_len, DEFAULT_SETTINGS.batch_size

    def ours() -> None:
        train(model, data, TRAIN_STEPS, batch_size=B, lr=DEFAULT_SETTINGS.lr, warmup_steps=2, seed=0)

    def bare() -> None:
        optimizer = torch.optim.AdamW(model.parameters(), lr=DEFAULT_SETTINGS.lr, weight_decay=0.01)
        generator = torch.Generator().manual_seed(0)
        model.train()
        for _ in range(TRAIN_STEPS):
            starts = torch.randint(0, data.numel() - T - 1, (B,), generator=generator)
            windows = data[starts[:, None] + torch.arange(T + 1)].to(device)
            logits = model(windows[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, VOCAB), windows[:, 1:].reshape(-1))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        model.eval()

    # One thread on CPU: with two, other tenants of a shared machine decide the timings (see training_threads).
    with torch_threads(1 if device.type == "cpu" else None):
        ours_s, anchor_s = compare(ours, bare, max(1, repeats // 3))
    return Result(
        f"{TRAIN_STEPS} training steps, default settings ({device.type}, 1 thread): {TRAIN_STEPS / ours_s:.2f} steps/s",
        ours_s,
        f"bare torch loop: {TRAIN_STEPS / anchor_s:.2f} steps/s",
        anchor_s,
    )


def training_threads(repeats: int) -> Result:
    """The same 5 default-settings steps on one CPU thread against torch's default thread count."""
    device = pick_device("auto")
    data = torch.randint(0, VOCAB, (200_000,))
    model = _default_model(device)
    default_threads = torch.get_num_threads()

    def steps() -> None:
        train(model, data, TRAIN_STEPS, batch_size=DEFAULT_SETTINGS.batch_size, lr=DEFAULT_SETTINGS.lr, seed=0)

    def one_thread() -> None:
        with torch_threads(1):
            steps()

    ours_s, anchor_s = compare(one_thread, steps, max(1, repeats // 3))
    return Result(
        f"{TRAIN_STEPS} training steps on 1 thread: {TRAIN_STEPS / ours_s:.2f} steps/s",
        ours_s,
        f"{default_threads} threads: {TRAIN_STEPS / anchor_s:.2f} steps/s",
        anchor_s,
    )


def softmax_batch(repeats: int) -> Result:
    """Softmax with temperature 0.7 over 10,000 rows of 97 logits (stable, with the τ = 0 branch)."""
    logits = np.random.default_rng(0).normal(0, 5, (10_000, VOCAB))
    ours_s, anchor_s = compare(
        lambda: softmax(logits, 0.7),
        lambda: scipy.special.softmax(logits / 0.7, axis=-1),
        repeats,
    )
    return Result("softmax(τ = 0.7), 10,000 × 97 logits", ours_s, "scipy.special.softmax(x / τ)", anchor_s)


def logits_beside_busy_threads(repeats: int) -> Result:
    """Next-character logits of the default model for a 128-character window while two other Python
    threads spin (other sessions building charts, say): in the torch worker process against the same
    call in this process. Here every short torch call waits for the GIL (the switch interval, 5 ms)."""
    source = ModelSource(config=DEFAULT_SETTINGS.model_config(VOCAB), vocabulary=VOCABULARY)
    ids = list(range(VOCAB)) + list(range(DEFAULT_SETTINGS.max_seq_len - VOCAB))
    worker = TorchWorker(threads=1)
    worker.call(on_model, source, next_token_logits, ids)  # start the process and load the model
    spinning = threading.Event()

    def spin() -> None:
        while not spinning.is_set():
            sum(range(1_000))

    threads = [threading.Thread(target=spin, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        with torch_threads(1):
            ours_s, anchor_s = compare(
                lambda: worker.call(on_model, source, next_token_logits, ids),
                lambda: on_model(source, next_token_logits, ids),
                max(1, repeats // 2),
            )
    finally:
        spinning.set()
        worker.close()
    return Result(
        "next-character logits, default model, beside 2 busy Python threads: torch worker process",
        ours_s,
        "the same call in the server's thread",
        anchor_s,
    )


PAGE = "pages/sampling_temperature.py"


def rerun_after_tau_slider(repeats: int) -> Result:
    """The page at its defaults; τ cycles through 4 values, each visited once first (cached reruns)."""
    return page_rerun(
        PAGE, "sp_tau", [0.5, 1.0, 1.5, 2.0], "Sampling page rerun after moving 'Temperature τ'", repeats, warm_all=True
    )


def rerun_after_new_tau(repeats: int) -> Result:
    """A τ never seen before: next-character bars, overflow table, pipeline in all orders (uncached charts)."""
    values = [round(0.05 * i, 2) for i in range(1, 200)]
    return page_rerun(PAGE, "sp_tau", values, "Sampling page rerun after a new 'Temperature τ' (uncached)", repeats)


BENCHMARKS = [
    generation_tokens_per_second,
    logits_beside_busy_threads,
    training_steps_per_second,
    training_threads,
    softmax_batch,
    rerun_after_tau_slider,
    rerun_after_new_tau,
]
