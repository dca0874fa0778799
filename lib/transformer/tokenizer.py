"""A character-level tokenizer: one token per distinct character of the training text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CharTokenizer:
    """Maps each character of ``vocabulary`` to its index.

    Example
    -------
    >>> tok = CharTokenizer.from_text("hello")
    >>> tok.encode("hell"), tok.decode(tok.encode("hello"))
    ([1, 0, 2, 2], 'hello')
    """

    vocabulary: str

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        if not text:
            raise ValueError("The text to build a tokenizer from is empty.")
        return cls("".join(sorted(set(text))))

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary)

    def encode(self, text: str) -> list[int]:
        index = {c: i for i, c in enumerate(self.vocabulary)}
        unknown = sorted(set(text) - index.keys())
        if unknown:
            shown = ", ".join(repr(c) for c in unknown[:5])
            raise ValueError(f"The text has characters the tokenizer has never seen: {shown}.")
        return [index[c] for c in text]

    def decode(self, ids: list[int]) -> str:
        if any(not 0 <= i < self.vocab_size for i in ids):
            raise ValueError(f"Token ids must lie in 0..{self.vocab_size - 1}.")
        return "".join(self.vocabulary[i] for i in ids)
