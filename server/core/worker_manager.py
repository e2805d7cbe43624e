"""A fix for Sanic's main process: shut down from its monitor loop, not a signal handler.

Sanic's WorkerManager handles SIGTERM/SIGINT by terminating the workers inside the
signal handler, and terminating writes the shared worker-state dict through a
multiprocessing.Manager proxy. The monitor loop reads that dict through the same proxy
connection in the same (main) thread; when the signal lands while a read waits for its
answer, the handler's call takes that answer and the read gets the handler's (None):
"AttributeError: 'NoneType' object has no attribute 'get'" in _sync_states, a traceback
and a main process that dies instead of shutting down cleanly (seen in tests under load).

The handler below only asks the monitor loop to terminate (its own "__TERMINATE__"
message on a pipe, no proxy call); the loop then shuts down as it would on that message.
A second signal still kills, as Sanic does.
"""

from __future__ import annotations

from contextlib import suppress
from signal import Signals

from sanic.log import logger
from sanic.worker.manager import ServerKilled, WorkerManager


def _shutdown_signal(self: WorkerManager, signum: int, frame: object) -> None:
    if self._shutting_down or getattr(self, "_terminate_requested", False):
        logger.info("Shutdown interrupted. Killing.")
        with suppress(ServerKilled):
            self.kill()
        return
    logger.info("Received signal %s. Shutting down.", Signals(signum).name)
    self._terminate_requested = True
    self.monitor_publisher.send("__TERMINATE__")


def install() -> None:
    """Replace the handler before Sanic.serve creates the manager (it binds it then)."""
    WorkerManager.shutdown_signal = _shutdown_signal
