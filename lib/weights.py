"""A model's weight matrices changed one by one: the operation rank cuts and quantisation share.

Both lib.linalg's "every weight at rank r" and lib.precision's "every weight in FP8" take a model and
return a copy whose linear layers' weights W (d_out, d_in) are replaced by f(W). A weight shared with
an embedding (the tied output layer) is a lookup table, not a map, and is left as it is.

Example
-------
>>> import torch
>>> layer = torch.nn.Sequential(torch.nn.Embedding(3, 2), torch.nn.Linear(2, 2, bias=False))
>>> doubled = map_linear_weights(layer, lambda w: 2 * w)
>>> bool(torch.equal(doubled[1].weight, 2 * layer[1].weight))
True
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

import torch
from torch import nn


def linear_layers(model: nn.Module) -> Iterator[nn.Linear]:
    """The linear layers of ``model`` whose weight is not shared with an embedding."""
    embedded = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding)}
    for module in model.modules():
        if isinstance(module, nn.Linear) and id(module.weight) not in embedded:
            yield module


def map_linear_weights(model: nn.Module, fn: Callable[[torch.Tensor], torch.Tensor]) -> nn.Module:
    """A copy of ``model`` with every :func:`linear_layers` weight W replaced by ``fn(W)`` (same shape)."""
    changed = copy.deepcopy(model)
    with torch.no_grad():
        for layer in linear_layers(changed):
            layer.weight.copy_(fn(layer.weight))
    return changed
