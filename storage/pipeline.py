"""Work on an upload's chunks (hashing, copying, scanning) done beside the network I/O."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class InOrder:
    """Runs calls one after another, in the order given, on a helper thread, with at most
    ``depth`` waiting (bounded memory): the thread reading the chunks goes on sending them
    while the helper hashes or copies the previous ones (hashlib and file writes release
    the GIL). An error of a call is raised by a later ``submit`` or by ``finish``."""

    def __init__(self, depth: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload-chunks")
        self._pending: deque[Future] = deque()
        self._depth = depth

    def submit(self, call: Callable, *args) -> None:
        """Queues ``call(*args)`` after the calls already queued."""
        self._pending.append(self._pool.submit(call, *args))
        while len(self._pending) > self._depth or (self._pending and self._pending[0].done()):
            self._pending.popleft().result()

    def finish(self) -> None:
        """Waits for every queued call; raises the first error."""
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        """Drops what is still queued and stops the helper thread."""
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)

    def __enter__(self) -> InOrder:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
