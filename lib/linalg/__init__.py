"""Linear algebra lens: eigendecomposition and powers, spectral radius and gradients, SVD, PCA and LoRA.

Modules: ``eigen`` (Aᵗ = V Λᵗ V⁻¹ against repeated products, the spectral radius), ``matrices``
(typed, drawn and random matrices), ``svd`` (best rank k, Eckart–Young, PCA, LoRA, rotate–stretch–
rotate), ``gradients`` (torch autograd: RNN gradient norms, vector–Jacobian products), ``compression``
(a trained model with every weight matrix cut to rank r, and the validation loss that costs).
"""

from lib.linalg.compression import factored_parameters, low_rank_losses, low_rank_model
from lib.linalg.eigen import (
    Eigendecomposition,
    PowerComparison,
    compare_powers,
    eigen_power,
    eigendecomposition,
    repeated_product,
    spectral_radius,
)
from lib.linalg.gradients import VJPCheck, final_gradient_norms, rnn_gradient_norms, vjp_check
from lib.linalg.matrices import (
    correlated_data,
    drawn_image,
    format_matrix,
    low_rank_plus_noise,
    parse_matrix,
    random_matrix,
    scale_to_spectral_radius,
)
from lib.linalg.svd import (
    STAGES,
    LowRank,
    PCAResult,
    RotateStretchRotate,
    covariance_eigenvalues,
    lora_fit,
    lora_sweep,
    low_rank_approximation,
    pca,
    rank_sweep,
    rotate_stretch_rotate,
)

__all__ = [
    "STAGES",
    "Eigendecomposition",
    "LowRank",
    "PCAResult",
    "PowerComparison",
    "RotateStretchRotate",
    "VJPCheck",
    "compare_powers",
    "correlated_data",
    "covariance_eigenvalues",
    "drawn_image",
    "eigen_power",
    "eigendecomposition",
    "factored_parameters",
    "final_gradient_norms",
    "format_matrix",
    "lora_fit",
    "lora_sweep",
    "low_rank_approximation",
    "low_rank_losses",
    "low_rank_model",
    "low_rank_plus_noise",
    "parse_matrix",
    "pca",
    "random_matrix",
    "rank_sweep",
    "repeated_product",
    "rnn_gradient_norms",
    "rotate_stretch_rotate",
    "scale_to_spectral_radius",
    "spectral_radius",
    "vjp_check",
]
