"""Information and inference: entropy and KL, forward vs reverse KL, mean field, the ELBO, gradients, scores."""

from pages._common import note, page_header, prose
from pages.information import formatting
from pages.information.elbo import elbo_section
from pages.information.entropy import entropy_section
from pages.information.gradients import gradients_section
from pages.information.kl_fit import kl_fit_section
from pages.information.mean_field import mean_field_section
from pages.information.score import score_section

page_header(
    "Information and inference",
    "Entropy, cross-entropy and KL divergence with the numbers side by side; why fitting by KL(p‖q) and by "
    "KL(q‖p) gives different answers; mean-field variational inference and its too-narrow variances; the ELBO "
    "on the notes' coin, exact, and fitted by stochastic VI with the reparameterization trick; why that trick "
    "beats the score-function estimator; and score functions, followed by Langevin sampling with guidance. "
    "Every closed form sits beside its simulation.",
)
with note():
    prose(formatting.__file__, "note.md")

# The sections share no inputs: each has its own widgets (keys ii_…) and reruns alone.
entropy_section()
kl_fit_section()
mean_field_section()
elbo_section()
gradients_section()
score_section()
