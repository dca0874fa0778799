"""The one error a page shows when a process of ours dies under a call (no torch import here).

Pages turn it into one sentence, as they do a ``ValueError`` (:func:`pages._common.lib_call`): a
torch worker killed in the middle of a call, or a training process killed mid-run, is a fault of
the server, not of the page, and the next call starts a fresh process.
"""


class WorkerStoppedError(RuntimeError):
    """A worker process died while it ran a call (killed, or out of memory); try again."""
