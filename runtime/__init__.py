"""What is neither math nor UI: worker processes, background training jobs, the model cache on disk.

Pages use this package; lib never does (lib is pure functions and starts no process or thread),
and nothing here imports streamlit. Arrows point one way: ``pages -> runtime -> lib``.

- :mod:`runtime.worker`: torch calls and training runs in processes of their own.
- :mod:`runtime.jobs`: a server-wide runner of background jobs (one training run at a time).
- :mod:`runtime.model_cache`: where checkpoints live on this machine, named by settings and corpus.
- :mod:`runtime.training`: a training run as a worker process runs it (train, then save whole runs).
- :mod:`runtime.errors`: ``WorkerStoppedError``, what a call raises when its process dies under it.
"""
