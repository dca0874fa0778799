"""Where torch runs: the one place in Garden Lab that decides devices.

Preference order for ``"auto"`` is cuda > mps > cpu. torch is imported inside the
functions, not at module level, because importing it costs seconds and pages that
never touch torch should not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

_PREFERENCE = ("cuda", "mps", "cpu")


def available_devices() -> list[str]:
    """Devices torch can use here, best first: ``"cuda"`` (and ``"cuda:i"`` per GPU when
    there are several), ``"mps"``, and always ``"cpu"``.

    Example
    -------
    >>> "cpu" in available_devices()
    True
    """
    import torch

    devices = []
    if torch.cuda.is_available():
        devices.append("cuda")
        if torch.cuda.device_count() > 1:
            devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        devices.append("mps")
    devices.append("cpu")
    return devices


def pick_device(preference: str | torch.device = "auto") -> torch.device:
    """Resolve a device name to a ``torch.device`` that works on this machine.

    ``"auto"`` picks the best available (cuda > mps > cpu); a named device
    (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``, or a ``torch.device``) is
    returned when available. Anything else raises ``ValueError`` naming the
    devices that are available.

    Example
    -------
    >>> pick_device("cpu")
    device(type='cpu')
    """
    import torch

    available = available_devices()
    name = str(preference).strip().lower()
    if name == "auto":
        return torch.device(next(d for d in _PREFERENCE if d in available))
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        device = None
    if device is None or not _is_available(device, available):
        raise ValueError(
            f"Device {str(preference)!r} is not available here; choose one of {', '.join(['auto', *available])}."
        )
    return device


def _is_available(device: torch.device, available: list[str]) -> bool:
    if device.type not in available:
        return False
    if device.type == "cuda" and device.index is not None:
        import torch

        return device.index < torch.cuda.device_count()
    return device.index in (None, 0)
