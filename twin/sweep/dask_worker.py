"""Preload of the worker processes of a sweep's own Dask LocalCluster (:func:`twin.sweep.runner.start_client`).

Ctrl-C is the client's to handle: the terminal sends it to every process of the group, and a
worker that took it printed a KeyboardInterrupt traceback while the client stopped the sweep
cleanly. The first workers start with SIGINT ignored; this ignores it in a worker the nanny
restarts too (after a worker was lost). Never loaded into the workers of a given scheduler.
"""

from __future__ import annotations

import signal


def dask_setup(worker) -> None:  # noqa: ARG001  (Dask's preload hook)
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread of the worker process: leave it
        pass
