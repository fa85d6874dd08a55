"""``/v1/conversations``: the caller's conversations; delete is an erasure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from colonnade.api.deps import Asker, ContainerDep
from colonnade.api.problems import problems
from colonnade.api.schemas import ConversationDetail, ConversationOut, RenameRequest
from colonnade.conversations import Conversation
from colonnade.conversations.visibility import trim_history
from colonnade.identity import Principal
from colonnade.orchestration.memory import extractive_summary

__all__ = ["router"]

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])
_ERRORS = problems(401, 403, 404, 422, 429)


@router.get(
    "", summary="Your conversations", response_model=list[ConversationOut], responses=_ERRORS
)
def list_conversations(
    principal: Asker,
    container: ContainerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ConversationOut]:
    """The caller's conversations, most recently active first."""
    return [
        ConversationOut.of(c)
        for c in container.conversations.list_conversations(principal.owner, limit=limit)
    ]


@router.get(
    "/{conversation_id}",
    summary="A conversation with its turns",
    response_model=ConversationDetail,
    responses=_ERRORS,
)
def get_conversation(
    conversation_id: str, principal: Asker, container: ContainerDep
) -> ConversationDetail:
    """Every turn with its citations, and the running summary.

    A turn resting on a document the caller may no longer open (an ACL changed, a document
    was removed) is withheld, and the summary rebuilt from what stays visible: history
    never shows more than a new question would.
    """
    conversation = container.conversations.get(conversation_id, principal.owner)
    return ConversationDetail.of(_trimmed(conversation, principal, container))


def _trimmed(conversation: Conversation, principal: Principal, container: Any) -> Conversation:
    def visible(ids: set[str]) -> set[str]:
        found: set[str] = container.store.visible_documents(
            ids, tenant=principal.tenant, access=principal.access
        )
        return found

    return trim_history(conversation, visible, extractive_summary)


@router.patch(
    "/{conversation_id}",
    summary="Rename a conversation",
    response_model=ConversationOut,
    responses=_ERRORS,
)
def rename_conversation(
    conversation_id: str, body: RenameRequest, principal: Asker, container: ContainerDep
) -> ConversationOut:
    return ConversationOut.of(
        container.conversations.rename(conversation_id, principal.owner, body.title)
    )


@router.delete(
    "/{conversation_id}",
    summary="Erase a conversation",
    status_code=204,
    response_class=Response,
    responses=_ERRORS,
)
def delete_conversation(
    conversation_id: str, principal: Asker, container: ContainerDep
) -> Response:
    """Erase the conversation: its turns and the sources stored with them."""
    container.conversations.delete(conversation_id, principal.owner)
    return Response(status_code=204)
