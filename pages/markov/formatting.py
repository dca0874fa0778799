"""How the Markov sections write exact fractions and chain states."""

LONG_FRACTION = 18  # characters; longer exact fractions are shown as decimals only


def fraction_text(value: object) -> str:
    """An exact fraction as text, or a dash when it is too long to read."""
    text = str(value)
    return text if len(text) <= LONG_FRACTION else "—"


def state_name(state: str) -> str:
    """A race-chain state (the useful recent flips) as a label; the empty state is the start."""
    return state or "start"
