"""The documented team server on one machine: N Streamlit replicas behind a private nginx.

``python -m deploy`` runs it until Ctrl-C; :func:`deployment` does the same for tests and
benchmarks (a context manager yielding a :class:`Deployment`: its URL, replicas and processes).
No Streamlit import here: this package starts Streamlit, it does not run inside it.
"""

from deploy.deployment import Deployment, Replica, deployment, start
from deploy.nginx import readme_config, site_config

__all__ = ["Deployment", "Replica", "deployment", "readme_config", "site_config", "start"]
