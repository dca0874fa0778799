"""Training and evaluation: the notes' practitioner's rules, each an experiment to run."""

from pages._common import note, page_header, prose
from pages.practice import bias_variance
from pages.practice.average_precision import average_precision_section
from pages.practice.bessel import bessel_section
from pages.practice.bias_variance import bias_variance_section
from pages.practice.initialisation import initialisation_section
from pages.practice.scaling import scaling_section
from pages.practice.seeding import seeding_section
from pages.practice.stratified import stratified_section

page_header(
    "Training and evaluation",
    "Seven rules every practitioner repeats, measured instead of asserted: the bias–variance U curve of "
    "polynomial fits, He vs Xavier vs N(0, 0.02²) through a deep MLP, what scaling does to a ridge fit, "
    "Bessel's n − 1, stratified vs random splits under class imbalance, step-wise vs interpolated average "
    "precision, and whether the same seed really gives the same loss curve on this device.",
)
with note():
    prose(bias_variance.__file__, "note.md")

bias_variance_section()
initialisation_section()
scaling_section()
bessel_section()
stratified_section()
average_precision_section()
seeding_section()
