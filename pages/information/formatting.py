"""How the information sections write divergences that may be infinite."""

import math


def nats(value: float, digits: int = 4) -> str:
    """A divergence or entropy as text: ∞ where it is infinite."""
    return "∞" if math.isinf(value) else f"{value:.{digits}f}"
