"""lib.device: cuda > mps > cpu, and a clear error for anything unavailable."""

from __future__ import annotations

import pytest
import torch

from lib.device import available_devices, pick_device


@pytest.fixture
def fake_hardware(monkeypatch: pytest.MonkeyPatch):
    """Pretend this machine has the given number of GPUs and/or an Apple GPU."""

    def install(cuda: int = 0, mps: bool = False) -> None:
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)

    return install


def test_cpu_is_always_available() -> None:
    assert available_devices()[-1] == "cpu"
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device(torch.device("cpu")) == torch.device("cpu")


def test_auto_on_this_machine_matches_torch() -> None:
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert pick_device("auto").type == expected
    assert pick_device().type == expected


@pytest.mark.parametrize(
    ("cuda", "mps", "devices", "auto"),
    [
        (0, False, ["cpu"], "cpu"),
        (0, True, ["mps", "cpu"], "mps"),
        (1, False, ["cuda", "cpu"], "cuda"),
        (1, True, ["cuda", "mps", "cpu"], "cuda"),
        (2, False, ["cuda", "cuda:0", "cuda:1", "cpu"], "cuda"),
    ],
)
def test_preference_order(fake_hardware, cuda: int, mps: bool, devices: list[str], auto: str) -> None:
    fake_hardware(cuda=cuda, mps=mps)
    assert available_devices() == devices
    assert pick_device("auto") == torch.device(auto)


def test_named_devices_when_present(fake_hardware) -> None:
    fake_hardware(cuda=2, mps=True)
    assert pick_device("cuda:1") == torch.device("cuda:1")
    assert pick_device(" MPS ") == torch.device("mps")
    with pytest.raises(ValueError, match="cuda:2"):
        pick_device("cuda:2")


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps", "tpu", "", "gpu please", "cpu:3"])
def test_unavailable_or_unknown_devices_name_the_choices(fake_hardware, name: str) -> None:
    fake_hardware(cuda=0, mps=False)
    with pytest.raises(ValueError, match=r"choose one of auto, cpu\.$"):
        pick_device(name)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_for_real() -> None:
    device = pick_device("auto")
    assert device.type == "cuda"
    x = torch.ones(4, device=device)
    assert float((x * 2).sum().cpu()) == 8.0
