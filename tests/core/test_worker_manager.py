"""The main process's shutdown signal touches no shared state (server/core/worker_manager.py)."""

from __future__ import annotations

import signal
from multiprocessing import Pipe
from types import SimpleNamespace

import pytest

from server.core import worker_manager


class UntouchableState(dict):
    """Sanic's worker-state proxy: any use of it inside the handler is the race."""

    def __getitem__(self, key):
        raise AssertionError("the signal handler read the shared worker state")

    def __setitem__(self, key, value):
        raise AssertionError("the signal handler wrote the shared worker state")


def _manager():
    subscriber, publisher = Pipe(duplex=False)
    killed = []
    manager = SimpleNamespace(
        _shutting_down=False, worker_state=UntouchableState(), processes=[],
        monitor_publisher=publisher, kill=lambda: killed.append(True))
    return manager, subscriber, killed


def test_the_first_signal_only_asks_the_monitor_loop_to_terminate():
    manager, subscriber, killed = _manager()
    worker_manager._shutdown_signal(manager, signal.SIGTERM, None)
    assert subscriber.poll(1) and subscriber.recv() == "__TERMINATE__"
    assert not killed and not subscriber.poll(0)


@pytest.mark.parametrize("shutting_down", [False, True])
def test_a_second_signal_kills(shutting_down):
    manager, subscriber, killed = _manager()
    if shutting_down:
        manager._shutting_down = True          # the loop already began the shutdown
    else:
        worker_manager._shutdown_signal(manager, signal.SIGTERM, None)
        subscriber.recv()
    worker_manager._shutdown_signal(manager, signal.SIGINT, None)
    assert killed == [True] and not subscriber.poll(0)


def test_install_replaces_sanics_handler():
    from sanic.worker.manager import WorkerManager

    original = WorkerManager.shutdown_signal
    try:
        worker_manager.install()
        assert WorkerManager.shutdown_signal is worker_manager._shutdown_signal
    finally:
        WorkerManager.shutdown_signal = original
