"""Training and evaluation: the practitioner's rules of the notes, each as an experiment.

Modules: ``bias_variance`` (polynomial fits of sin(2πx) and their decomposition), ``initialisation``
(activation and gradient variance through deep bias-free MLPs, numpy), ``scaling`` (standardize,
min–max, robust; ridge regression), ``variance`` (Bessel's correction), ``splits`` (random and
stratified splits), ``ranking`` (precision–recall and average precision). ``lib.practice.training``
holds the torch parts (short training runs, seeding) and is imported only where torch is wanted.
"""

from lib.practice.bias_variance import BiasVariance, bias_variance, bias_variance_curve, truth
from lib.practice.initialisation import ACTIVATIONS, INITS, DepthProfile, activation_variances, depth_profile, init_std
from lib.practice.ranking import PRCurve, average_precision, binary_scores, precision_recall_curve
from lib.practice.scaling import (
    METHODS,
    RidgeFit,
    ridge_fit,
    scale,
    scaling_data,
    scaling_parameters,
    unscaled_coefficients,
)
from lib.practice.splits import probability_no_minority, random_split, split_study, stratified_split
from lib.practice.variance import bessel_table, variance_bias

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "METHODS",
    "BiasVariance",
    "DepthProfile",
    "PRCurve",
    "RidgeFit",
    "activation_variances",
    "average_precision",
    "bessel_table",
    "bias_variance",
    "bias_variance_curve",
    "binary_scores",
    "depth_profile",
    "init_std",
    "precision_recall_curve",
    "probability_no_minority",
    "random_split",
    "ridge_fit",
    "scale",
    "scaling_data",
    "scaling_parameters",
    "split_study",
    "stratified_split",
    "truth",
    "unscaled_coefficients",
    "variance_bias",
]
