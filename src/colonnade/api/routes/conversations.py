"""``/v1/conversations``: the caller's conversations; delete is an erasure."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from colonnade.api.deps import ContainerDep, PrincipalDep
from colonnade.api.problems import problems
from colonnade.api.schemas import ConversationDetail, ConversationOut, RenameRequest

__all__ = ["router"]

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


@router.get("", response_model=list[ConversationOut], responses=problems(401, 422))
def list_conversations(
    principal: PrincipalDep,
    container: ContainerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ConversationOut]:
    """The caller's conversations, most recently active first."""
    return [
        ConversationOut.of(c)
        for c in container.conversations.list_conversations(principal.user, limit=limit)
    ]


@router.get("/{conversation_id}", response_model=ConversationDetail, responses=problems(401, 404))
def get_conversation(
    conversation_id: str, principal: PrincipalDep, container: ContainerDep
) -> ConversationDetail:
    """Every turn with its citations, and the running summary."""
    return ConversationDetail.of(container.conversations.get(conversation_id, principal.user))


@router.patch(
    "/{conversation_id}", response_model=ConversationOut, responses=problems(401, 404, 422)
)
def rename_conversation(
    conversation_id: str, body: RenameRequest, principal: PrincipalDep, container: ContainerDep
) -> ConversationOut:
    return ConversationOut.of(
        container.conversations.rename(conversation_id, principal.user, body.title)
    )


@router.delete(
    "/{conversation_id}", status_code=204, response_class=Response, responses=problems(401, 404)
)
def delete_conversation(
    conversation_id: str, principal: PrincipalDep, container: ContainerDep
) -> Response:
    """Erase the conversation: its turns and the sources stored with them."""
    container.conversations.delete(conversation_id, principal.user)
    return Response(status_code=204)
