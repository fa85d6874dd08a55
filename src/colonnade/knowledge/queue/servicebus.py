"""The ingestion queue on Azure Service Bus, behind the same port.

Service Bus's peek-lock gives the semantics the port asks for: a received message is
locked to one receiver; completed, it is gone; a receiver that dies lets the lock
expire and the message is delivered again (``delivery_count`` counts the tries).
The wire is a small transport (:class:`ServiceBusTransport`) so the adapter's logic
runs in the tests against a fake of it; :class:`AzureServiceBusTransport` speaks to
the service with the official SDK (connection string or workload identity).
Statuses live beside the queue in a :class:`StatusStore` (Redis in a cluster).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from colonnade.knowledge.queue.jobs import IngestJob
from colonnade.knowledge.queue.ports import Delivery

__all__ = [
    "AzureServiceBusTransport",
    "MemoryStatusStore",
    "Received",
    "ServiceBusQueue",
    "ServiceBusTransport",
    "StatusStore",
]


@dataclass(frozen=True, slots=True)
class Received:
    body: str
    lock_token: str
    delivery_count: int  # 1 on the first delivery
    handle: Any = None  # the SDK's message, to complete it


class ServiceBusTransport(Protocol):
    def send(self, body: str, message_id: str) -> None: ...
    def receive(self, wait_s: float) -> Received | None: ...
    def complete(self, received: Received) -> None: ...
    def active_count(self) -> int: ...
    def oldest_enqueued_at(self) -> float | None: ...
    def close(self) -> None: ...


class StatusStore(Protocol):
    def set(self, job_id: str, status: dict[str, Any]) -> None: ...
    def get(self, job_id: str) -> dict[str, Any] | None: ...


class MemoryStatusStore:
    def __init__(self) -> None:
        self._data: dict[str, dict[str, Any]] = {}

    def set(self, job_id: str, status: dict[str, Any]) -> None:
        self._data[job_id] = dict(status)

    def get(self, job_id: str) -> dict[str, Any] | None:
        found = self._data.get(job_id)
        return dict(found) if found is not None else None


class ServiceBusQueue:
    def __init__(self, transport: ServiceBusTransport, statuses: StatusStore) -> None:
        self.transport = transport
        self.statuses = statuses
        self._received: dict[str, Received] = {}

    def enqueue(self, job: IngestJob) -> str:
        self.statuses.set(job.id, job.queued_status())
        self.transport.send(job.to_json(), job.id)
        return job.id

    def receive(self, consumer: str, *, wait_s: float) -> Delivery | None:
        got = self.transport.receive(wait_s)
        if got is None:
            return None
        self._received[got.lock_token] = got
        return Delivery(IngestJob.from_json(got.body), got.lock_token, got.delivery_count)

    def ack(self, delivery: Delivery) -> None:
        received = self._received.pop(delivery.receipt)
        self.transport.complete(received)

    def depth(self) -> int:
        return self.transport.active_count()

    def oldest_age_s(self) -> float:
        oldest = self.transport.oldest_enqueued_at()
        return max(0.0, time.time() - oldest) if oldest is not None else 0.0

    def set_status(self, job_id: str, status: dict[str, Any]) -> None:
        self.statuses.set(job_id, status)

    def status(self, job_id: str) -> dict[str, Any] | None:
        return self.statuses.get(job_id)

    def close(self) -> None:
        self.transport.close()


class AzureServiceBusTransport:
    """One Service Bus queue through ``azure-servicebus`` (sync client).

    ``credential`` is an ``azure-identity`` credential (workload identity on AKS) used
    with ``namespace`` (``<name>.servicebus.windows.net``); or give a connection string.
    The queue's lock duration is the lease after which a dead worker's job moves on.
    """

    def __init__(
        self,
        queue_name: str,
        *,
        connection_string: str | None = None,
        namespace: str | None = None,
        credential: Any = None,
    ) -> None:
        from azure.servicebus import ServiceBusClient
        from azure.servicebus.management import ServiceBusAdministrationClient

        self.queue_name = queue_name
        if connection_string:
            self._client = ServiceBusClient.from_connection_string(connection_string)
            self._admin = ServiceBusAdministrationClient.from_connection_string(connection_string)
        else:
            if not namespace or credential is None:
                raise ValueError("give a connection string, or a namespace and a credential")
            self._client = ServiceBusClient(namespace, credential)
            self._admin = ServiceBusAdministrationClient(namespace, credential)
        self._sender = self._client.get_queue_sender(queue_name)
        self._receiver = self._client.get_queue_receiver(queue_name)

    def send(self, body: str, message_id: str) -> None:
        from azure.servicebus import ServiceBusMessage

        self._sender.send_messages(ServiceBusMessage(body, message_id=message_id))

    def receive(self, wait_s: float) -> Received | None:
        for message in self._receiver.receive_messages(max_message_count=1, max_wait_time=wait_s):
            return Received(
                str(message), str(message.lock_token), int(message.delivery_count or 1), message
            )
        return None

    def complete(self, received: Received) -> None:
        self._receiver.complete_message(received.handle)

    def active_count(self) -> int:
        props = self._admin.get_queue_runtime_properties(self.queue_name)
        return int(props.active_message_count or 0)

    def oldest_enqueued_at(self) -> float | None:
        for message in self._receiver.peek_messages(max_message_count=1):
            enqueued = message.enqueued_time_utc
            return enqueued.timestamp() if enqueued else None
        return None

    def close(self) -> None:
        self._receiver.close()
        self._sender.close()
        self._client.close()
