"""How the hypothesis-testing sections name alternatives, write p-values and state verdicts."""

SIDES = {"two-sided": "two-sided (p ≠ p0)", "greater": "greater (p > p0)", "less": "less (p < p0)"}


def verdict(pvalue: float, alpha: float) -> str:
    """A test's verdict at level α."""
    return "reject H0" if pvalue <= alpha else "keep H0"


def fmt_p(value: float) -> str:
    """A p-value with four significant digits, or in scientific notation when it is tiny."""
    return f"{value:.4g}" if value >= 1e-4 else f"{value:.2e}"


TWO_GROUP_SIDES = {
    "two-sided": "two-sided (first ≠ second)",
    "greater": "greater (first > second)",
    "less": "less (first < second)",
}
