"""Preload of the worker processes of a sweep's own Dask LocalCluster (:func:`twin.sweep.runner.start_client`).

Ctrl-C is the client's to handle: the terminal sends it to every process of the group, and a
worker that took it printed a KeyboardInterrupt traceback while the client stopped the sweep
cleanly. The first workers start with SIGINT ignored; this ignores it in a worker the nanny
restarts too (after a worker was lost). Never loaded into the workers of a given scheduler.
"""

from __future__ import annotations

import logging
import signal


def dask_setup(worker) -> None:  # noqa: ARG001  (Dask's preload hook)
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread of the worker process: leave it
        pass


def quiet_logs() -> None:
    """Silence Dask's loggers in this process: run on the workers (and around the close in
    the client) of a sweep the user stopped, whose shutdown is not the user's concern — a
    shared object being sent to a worker that stopped first logged a 30-line traceback."""
    names = ["distributed", *(n for n in list(logging.root.manager.loggerDict) if n.startswith("distributed."))]
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
