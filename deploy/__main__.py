"""python -m deploy: the team server on this machine, until Ctrl-C or SIGTERM.

python -m deploy                         # one replica per core, nginx on 127.0.0.1:8080
python -m deploy --replicas 2 --port 8080 --replica-port 8501
python -m deploy --host 0.0.0.0          # nginx on every interface (the replicas stay on 127.0.0.1)
python -m deploy --no-warm               # take users before each replica has opened every page once
python -m deploy --print-config          # the nginx site configuration it would run, and exit
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from deploy.deployment import ROOT, start
from deploy.nginx import site_config


def _stop_on(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a requested stop, as Ctrl-C: unwinds into the stop below, exit status 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1, help="Streamlit servers (default: cores)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="nginx's address (default 127.0.0.1)")
    parser.add_argument(
        "--replica-port", type=int, default=8501, help="the first replica's port; the others follow (default 8501)"
    )
    parser.add_argument("--run-dir", type=Path, help="configs, pid and logs (default build/deploy-PORT)")
    parser.add_argument("--cache", type=Path, help="the model cache every replica reads (GARDEN_LAB_CACHE)")
    parser.add_argument(
        "--no-warm", action="store_true", help="take users at once, before each replica has opened every page"
    )
    parser.add_argument("--print-config", action="store_true", help="print nginx's site configuration and exit")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    replicas = [f"127.0.0.1:{p}" for p in range(args.replica_port, args.replica_port + args.replicas)]
    if args.print_config:
        print(site_config(replicas, listen=f"{args.host}:{args.port}"), end="")
        return 0

    signal.signal(signal.SIGTERM, _stop_on)
    signal.signal(signal.SIGHUP, _stop_on)
    run_dir = args.run_dir or ROOT / "build" / f"deploy-{args.port}"
    print(f"starting {args.replicas} replica(s) on {', '.join(replicas)} and nginx; logs in {run_dir}", flush=True)
    try:
        deployment = start(
            args.replicas,
            args.port,
            replica_port=args.replica_port,
            host=args.host,
            run_dir=run_dir,
            cache_dir=args.cache,
            warm=not args.no_warm,
        )
    except KeyboardInterrupt:  # start() has stopped what it started
        return 0
    try:
        for address, times in deployment.warm_s.items():
            print(f"warmed {address}: every page opened once in {sum(times.values()):.1f} s", flush=True)
        pids = ", ".join(f"{r.address} pid {r.process.pid}" for r in deployment.replicas)
        print(f"Garden Lab is up at {deployment.url} (nginx pid {deployment.nginx.pid}; {pids})", flush=True)
        print("Ctrl-C or SIGTERM stops nginx, every replica and their workers.", flush=True)
        reported: set[int] = set()
        while deployment.nginx.poll() is None:
            for replica in deployment.replicas:
                if replica.process.poll() is not None and replica.port not in reported:
                    reported.add(replica.port)
                    print(
                        f"replica {replica.address} exited with code {replica.process.returncode}; "
                        f"nginx sends its users to the others (log: {replica.log})",
                        file=sys.stderr,
                        flush=True,
                    )
            time.sleep(1)
        print(f"nginx exited with code {deployment.nginx.returncode}; stopping", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        deployment.stop()
        print("stopped: no process of the deployment is left", flush=True)


if __name__ == "__main__":
    sys.exit(main())
