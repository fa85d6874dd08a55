"""The worker inside ``serve`` for the embedded default: one thread on the in-process queue,
started with the first queued upload and stopped with the container."""

from __future__ import annotations

import threading

from colonnade.knowledge.history import IngestHistory
from colonnade.knowledge.pipeline import Ingestor
from colonnade.knowledge.queue.ports import JobQueue
from colonnade.knowledge.queue.worker import IngestWorker

__all__ = ["EmbeddedWorker"]


class EmbeddedWorker:
    def __init__(
        self, queue: JobQueue, ingestor: Ingestor, history: IngestHistory | None = None
    ) -> None:
        self.worker = IngestWorker(queue, ingestor, consumer="serve", history=history)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def ensure_running(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self.worker.run,
                    args=(self._stop,),
                    kwargs={"wait_s": 0.5},
                    name="ingest-worker",
                    daemon=True,
                )
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
