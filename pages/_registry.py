"""Every Garden Lab page, in the order the sidebar lists them (not a page itself).

The router builds the navigation from this list and the overview links every entry,
so a page lands by adding one line here. Pages that do not exist yet are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTIONS = ("Deep learning", "Statistics", "Stochastic models")


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to the repository root
    title: str
    icon: str  # a Material icon name, rendered by Streamlit's own icon font
    section: str  # one of SECTIONS
    summary: str  # one sentence for the overview
    uses_torch: bool = False  # shows the device selector; other pages never import torch


PAGES = (
    PageInfo(
        path="pages/transformer_lab.py",
        title="Transformer lab",
        icon=":material/hub:",
        section="Deep learning",
        summary=(
            "Every block of the notes' transformer built from lib and switchable: shapes and parameter counts, "
            "attention maps per head, sinusoidal vs learned vs RoPE, pre- vs post-norm at depth, KV-cache and "
            "linear-attention cost on your device, and a KV-memory calculator for MHA, GQA, MQA and MLA."
        ),
        uses_torch=True,
    ),
    PageInfo(
        path="pages/sampling_temperature.py",
        title="Sampling temperature",
        icon=":material/thermostat:",
        section="Deep learning",
        summary=(
            "Train a tiny character-level GPT on Python's standard library (or your text) in the background, then "
            "see what temperature, top-k, top-p and min-p do to its next-character distribution, why softmax needs "
            "log-sum-exp, and how τ trades quality against diversity in the text it writes."
        ),
        uses_torch=True,
    ),
    PageInfo(
        path="pages/efficient_transformers.py",
        title="Efficient transformers",
        icon=":material/bolt:",
        section="Deep learning",
        summary=(
            "DeepSeek's ideas working in a tiny GPT: mixture-of-experts routing and load balancing, multi-head "
            "latent attention's measured KV cache, multi-token prediction as a self-speculative draft, and FP8 "
            "with per-tensor vs per-tile scales."
        ),
        uses_torch=True,
    ),
    PageInfo(
        path="pages/linear_algebra.py",
        title="Linear algebra lens",
        icon=":material/grid_on:",
        section="Deep learning",
        summary=(
            "Aᵗ from the eigenvalues against t products (and when that fails), the spectral radius behind vanishing "
            "and exploding RNN gradients, SVD as rotate–stretch–rotate, the best rank k (Eckart–Young, PCA), "
            "LoRA's low-rank update, and backprop's vector–Jacobian products."
        ),
        uses_torch=True,
    ),
    PageInfo(
        path="pages/training_and_evaluation.py",
        title="Training and evaluation",
        icon=":material/model_training:",
        section="Deep learning",
        summary=(
            "The practitioner's rules, measured: the bias–variance U curve, He vs Xavier through depth, scaling "
            "before ridge, Bessel's n − 1, stratified splits under imbalance, step-wise vs interpolated average "
            "precision, and what breaks 'same seed, same loss curve'."
        ),
        uses_torch=True,
    ),
    PageInfo(
        path="pages/hypothesis_testing.py",
        title="Hypothesis testing",
        icon=":material/balance:",
        section="Statistics",
        summary=(
            "α, β, power and the p-value as shaded areas; is the coin fair, tested five ways on the same flips; "
            "power and sample size with the exact test's sawtooth; bootstrap intervals and their real coverage."
        ),
    ),
    PageInfo(
        path="pages/mle_estimators.py",
        title="MLE estimators",
        icon=":material/functions:",
        section="Statistics",
        summary=(
            "Binomial and negative-binomial likelihoods with Wald and profile intervals, their coverage as m grows, "
            "the beta-negative-binomial fitted by numeric MLE, MLE as minimum cross-entropy, and a black-box "
            "logistic regression unboxed from its answers."
        ),
    ),
    PageInfo(
        path="pages/information_and_inference.py",
        title="Information and inference",
        icon=":material/insights:",
        section="Statistics",
        summary=(
            "Entropy, cross-entropy and KL with the numbers side by side; forward vs reverse KL fits; mean-field VI "
            "and CAVI; the ELBO on the notes' coin, exact and by stochastic VI; reparameterization vs score-function "
            "gradients; score functions followed by Langevin sampling with guidance."
        ),
    ),
    PageInfo(
        path="pages/choice_models.py",
        title="Choice models",
        icon=":material/directions_bus:",
        section="Statistics",
        summary=(
            "Red bus, blue bus: why the logit's IIA misleads and how nested logit and probit fix it; a market "
            "built from attributes and tastes (shares, elasticities, value of time); logit and nested logit "
            "estimated from simulated or uploaded choices."
        ),
    ),
    PageInfo(
        path="pages/markov_chains.py",
        title="Markov chains",
        icon=":material/casino:",
        section="Stochastic models",
        summary=(
            "HHT or HTT first? The notes' 4-state chain iterated step by step, and any race between coin "
            "patterns (Penney's game) solved exactly from its automaton and checked by simulation."
        ),
    ),
    PageInfo(
        path="pages/queueing_distributions.py",
        title="Queueing distributions",
        icon=":material/groups:",
        section="Stochastic models",
        summary=(
            "Exponential phases in series, in parallel and Coxian: build a service distribution, check its "
            "closed form against samples, match a mean and SCV, and see how its shape sets the wait in M/G/1 and M/M/c."
        ),
    ),
)
