"""The nginx configuration of a Garden Lab team server, rendered from one template.

``nginx.conf.template`` (next to this file) is the site configuration: the sticky upstream of
replicas, the websocket upgrade, the upload limit and the refused metrics endpoint. ``python -m
deploy`` renders it for the replicas it starts and runs a private nginx with it; the README shows
it rendered with :data:`README_EXAMPLE` (tests/test_docs.py checks the two are equal), so the
documented configuration is the tested one.

Placeholders are ``{{name}}``. A placeholder alone on its line takes a list of lines (indented as
the placeholder is; an empty list removes the line); inside a line it takes a string.

>>> [line for line in site_config(["127.0.0.1:8501"], listen="127.0.0.1:8080").splitlines() if "server 1" in line]
['    server 127.0.0.1:8501 max_fails=0;']
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
# What the README's nginx block is rendered with: two replicas on this host, TLS on the public name.
README_EXAMPLE = {
    "replicas": ["127.0.0.1:8501", "127.0.0.1:8502"],
    "listen": "443 ssl",
    "server_name": "lab.example.org",
    "tls": [
        "ssl_certificate     /etc/ssl/certs/lab.example.org.pem;",
        "ssl_certificate_key /etc/ssl/private/lab.example.org.key;",
    ],
}
STICKY_COOKIE = "garden_lab_sticky"  # nginx gives it to a browser on its first request (see the template)
# One line of nginx's access log per request; a websocket's line is written when it closes.
# $upstream_addr is the replica that served it ("127.0.0.1:8501"), $garden_lab_sticky the sticky key
# the request was routed by (its browser's cookie); bench.load and the fault tests read both.
LOG_FORMAT = (
    '$remote_addr $remote_port [$time_local] "$request" $status $body_bytes_sent $upstream_addr $request_time '
    "$garden_lab_sticky"
)


@dataclass(frozen=True)
class AccessLine:
    """One line of the access log (:data:`LOG_FORMAT`): what was asked, who answered, by which key."""

    client_port: str
    method: str
    path: str
    status: int
    replica: str  # the replica that answered last ("-": none, nginx answered itself)
    sticky: str  # the sticky key nginx routed by


def parse_access_line(line: str) -> AccessLine | None:
    """The fields of one :data:`LOG_FORMAT` line (None for a line that is not one).

    $upstream_addr lists every replica tried ("127.0.0.1:8501, 127.0.0.1:8502"); the last one answered.

    >>> parse_access_line('127.0.0.1 5 [02/Dec/2026:02:10:00 +0000] "GET /x HTTP/1.1" 200 2 a:1, b:2 0.01 k')
    AccessLine(client_port='5', method='GET', path='/x', status=200, replica='b:2', sticky='k')
    """
    fields = line.split()
    if len(fields) < 12 or not fields[7].isdigit():
        return None
    method, path, status = fields[4].lstrip('"'), fields[5], int(fields[7])
    return AccessLine(fields[1], method, path, status, replica=fields[-3], sticky=fields[-1])


def upload_limit_mb(config: Path = ROOT / ".streamlit" / "config.toml") -> int:
    """Streamlit's ``server.maxUploadSize`` (MB) from the repository's config."""
    return int(tomllib.loads(config.read_text())["server"]["maxUploadSize"])


def render(template: str, values: Mapping[str, str | Sequence[str]]) -> str:
    """``template`` with every ``{{name}}`` replaced; a name without a value is an error.

    >>> render("a {{x}} b\\n  {{lines}}\\nend", {"x": "1", "lines": ["p;", "q;"]})
    'a 1 b\\n  p;\\n  q;\\nend'
    >>> render("  {{lines}}\\nend", {"lines": []})
    'end'
    """
    out = []
    for line in template.splitlines():
        alone = PLACEHOLDER.fullmatch(line.strip())
        if alone and not isinstance(values[alone[1]], str):
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + item for item in values[alone[1]]]
            continue
        out.append(PLACEHOLDER.sub(lambda m: _inline(values, m[1]), line))
    return "\n".join(out)


def _inline(values: Mapping[str, str | Sequence[str]], name: str) -> str:
    value = values[name]
    if not isinstance(value, str):
        raise TypeError(f"{{{{{name}}}}} takes a list of lines: put it alone on its line")
    return value


def site_config(
    replicas: Sequence[str],
    *,
    listen: str,
    server_name: str = "_",
    tls: Sequence[str] = (),
    upload_mb: int | None = None,
) -> str:
    """The site configuration for ``replicas`` (``host:port`` each), nginx listening on ``listen``.

    The body limit is just over Streamlit's own (``server.maxUploadSize`` + 1 MB): files up to the
    app's limit pass through nginx, and Streamlit refuses those between the two with its own message.
    """
    upload_mb = upload_limit_mb() if upload_mb is None else upload_mb
    values = {
        "servers": [f"server {address} max_fails=0;" for address in replicas],
        "listen": listen,
        "server_name": server_name,
        "tls": list(tls),
        "body_limit_mb": str(upload_mb + 1),
        "upload_limit_mb": str(upload_mb),
    }
    return render(TEMPLATE.read_text(), values) + "\n"


def readme_config() -> str:
    """The site configuration the README shows."""
    return site_config(**README_EXAMPLE)


def main_config(run_dir: Path, site: Path) -> str:
    """A private nginx's main configuration: in the foreground, every file it writes under ``run_dir``
    (pid, logs, temporary request bodies), and ``site`` included. Needs no root and no system path."""
    tmp = run_dir / "tmp"
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx would run its workers as "nobody", who cannot read a private run directory.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return f"""# A private nginx for python -m deploy: generated, every file it writes is under {run_dir}.
daemon off;
{user}worker_processes 1;
pid {run_dir / "nginx.pid"};
error_log {run_dir / "nginx-error.log"} notice;

events {{
    worker_connections 4096;
}}

http {{
    log_format garden '{LOG_FORMAT}';
    access_log {run_dir / "nginx-access.log"} garden;
{temp_paths}
    include {site};
}}
"""


def nginx_binary() -> str:
    """The nginx executable (Debian puts it in /usr/sbin, which a user's PATH may lack)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise FileNotFoundError("nginx is not installed: apt-get install -y nginx (Debian's package)")
    return found
