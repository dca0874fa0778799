"""The default training run of the sampling page, measured: validation loss and wall time.

    python -m bench.train_default            # trains DEFAULT_SETTINGS on the stdlib and saves the checkpoint
    python -m bench.train_default --no-save  # measure only

It takes minutes on 2 CPU cores, so it is not part of ``python -m bench``. The target (issue 4) is a
validation loss ≤ 1.8 nats/char on held-out standard-library modules in ≤ 3 minutes. The load average
is printed before and after: on a shared machine other work slows the run down.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import torch

from lib.device import pick_device
from lib.transformer.checkpoint import save_checkpoint
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.evaluation import bits
from lib.transformer.pretrained import DEFAULT_SETTINGS, STDLIB_CORPUS, train_model
from runtime.model_cache import checkpoint_path

TARGET_NATS = 1.8
TARGET_S = 180.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train_default", description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", help="torch device (default: auto)")
    parser.add_argument("--no-save", action="store_true", help="do not save the checkpoint for the page")
    args = parser.parse_args(argv)
    device = pick_device(args.device)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    start = time.perf_counter()
    corpus = stdlib_corpus()
    read_s = time.perf_counter() - start
    print(
        f"corpus {STDLIB_CORPUS}: {len(corpus.train):,} training / {len(corpus.validation):,} validation characters "
        f"({len(corpus.train_files)} / {len(corpus.validation_files)} modules), read in {read_s:.1f} s",
        flush=True,
    )
    print(f"settings: {DEFAULT_SETTINGS}; device {device}, {torch.get_num_threads()} torch threads", flush=True)

    def progress(p) -> None:
        if p.val_loss is not None:
            print(
                f"  step {p.step:4d}/{p.steps}: train {p.train_loss:.3f}, validation {p.val_loss:.3f} nats/char, "
                f"{p.elapsed_s:.0f} s",
                flush=True,
            )

    result = train_model(corpus.train, corpus.validation, DEFAULT_SETTINGS, device=str(device), callback=progress)
    val = result.val_losses[-1]
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"parameters: {result.model.n_parameters():,}")
    print(
        f"validation loss: {val:.3f} nats/char = {bits(val):.3f} bits/char "
        f"(unigram baseline {result.unigram_val_loss:.3f} nats/char); target ≤ {TARGET_NATS}: "
        f"{'met' if val <= TARGET_NATS else 'missed'}"
    )
    print(
        f"training wall time: {result.wall_time_s:.1f} s for {len(result.train_losses)} steps "
        f"({len(result.train_losses) / result.wall_time_s:.2f} steps/s); target ≤ {TARGET_S:.0f} s: "
        f"{'met' if result.wall_time_s <= TARGET_S else 'missed'} (plus {read_s:.1f} s reading the corpus)"
    )
    if not args.no_save:
        path = checkpoint_path()
        save_checkpoint(path, result.model, result.tokenizer, result.metrics)
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
