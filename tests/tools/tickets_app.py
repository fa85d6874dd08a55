"""A small tickets service with an OpenAPI document, for the OpenAPI adapter's tests.

Reading and opening tickets are ordinary; deleting a ticket (DELETE) and escalating one
(``x-colonnade-risk: high``) need approval. Every call needs ``Authorization: Bearer tickets-secret``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

TOKEN = "tickets-secret"


class NewTicket(BaseModel):
    title: str = Field(min_length=3, max_length=200)
    priority: int = Field(ge=1, le=4)


class Ticket(NewTicket):
    id: int
    status: str


def create_app() -> FastAPI:
    app = FastAPI(title="tickets", version="1")
    tickets: dict[int, Ticket] = {}
    app.state.tickets = tickets
    app.state.bad_shape = False

    def check(authorization: str | None) -> None:
        if authorization != f"Bearer {TOKEN}":
            raise HTTPException(401, "missing or wrong token")

    @app.get("/tickets/{ticket_id}", operation_id="get_ticket", response_model=Ticket)
    def get_ticket(ticket_id: int, authorization: Annotated[str | None, Header()] = None) -> Any:
        check(authorization)
        if app.state.bad_shape:
            return JSONResponse({"id": "not a number"})  # skips FastAPI's own check
        if ticket_id not in tickets:
            raise HTTPException(404, "no such ticket")
        return tickets[ticket_id]

    @app.post("/tickets", operation_id="open_ticket", response_model=Ticket, status_code=201)
    def open_ticket(body: NewTicket, authorization: Annotated[str | None, Header()] = None) -> Any:
        check(authorization)
        ticket = Ticket(id=len(tickets) + 1, status="open", **body.model_dump())
        tickets[ticket.id] = ticket
        return ticket

    @app.delete("/tickets/{ticket_id}", operation_id="delete_ticket")
    def delete(
        ticket_id: int, authorization: Annotated[str | None, Header()] = None
    ) -> dict[str, int]:
        check(authorization)
        if tickets.pop(ticket_id, None) is None:
            raise HTTPException(404, "no such ticket")
        return {"deleted": ticket_id}

    @app.post(
        "/tickets/{ticket_id}/escalate",
        operation_id="escalate_ticket",
        openapi_extra={"x-colonnade-risk": "high"},
    )
    def escalate(
        ticket_id: int, authorization: Annotated[str | None, Header()] = None
    ) -> dict[str, Any]:
        check(authorization)
        tickets[ticket_id].status = "escalated"
        return {"id": ticket_id, "status": "escalated"}

    return app
