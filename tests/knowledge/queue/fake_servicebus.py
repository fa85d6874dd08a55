"""A fake of the Service Bus transport (the service's emulator needs Docker): one queue with
peek-lock, lock expiry and delivery counts, shared by every receiver that opens it."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

from colonnade.knowledge.queue.servicebus import Received


@dataclass
class _Message:
    body: str
    message_id: str
    enqueued_at: float
    deliveries: int = 0
    locked_until: float = 0.0
    lock_token: str = ""


class FakeBroker:
    def __init__(self, lock_duration_s: float) -> None:
        self.lock_duration_s = lock_duration_s
        self.messages: list[_Message] = []
        self.cond = threading.Condition()


class FakeServiceBusTransport:
    def __init__(self, broker: FakeBroker) -> None:
        self.broker = broker

    def send(self, body: str, message_id: str) -> None:
        with self.broker.cond:
            self.broker.messages.append(_Message(body, message_id, time.time()))
            self.broker.cond.notify_all()

    def receive(self, wait_s: float) -> Received | None:
        deadline = time.monotonic() + wait_s
        with self.broker.cond:
            while True:
                now = time.monotonic()
                for m in self.broker.messages:
                    if m.locked_until <= now:
                        m.deliveries += 1
                        m.locked_until = now + self.broker.lock_duration_s
                        m.lock_token = uuid.uuid4().hex
                        return Received(m.body, m.lock_token, m.deliveries)
                if now >= deadline:
                    return None
                self.broker.cond.wait(min(deadline - now, 0.05))

    def complete(self, received: Received) -> None:
        with self.broker.cond:
            for m in self.broker.messages:
                if m.lock_token == received.lock_token:
                    if m.locked_until < time.monotonic():
                        raise RuntimeError("the message's lock was lost")
                    self.broker.messages.remove(m)
                    return
            raise RuntimeError("no such lock")

    def active_count(self) -> int:
        with self.broker.cond:
            return len(self.broker.messages)

    def oldest_enqueued_at(self) -> float | None:
        with self.broker.cond:
            return self.broker.messages[0].enqueued_at if self.broker.messages else None

    def close(self) -> None:
        pass
