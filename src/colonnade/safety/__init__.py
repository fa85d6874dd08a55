"""Guardrails: PII detection and redaction, prompt-injection checks, output validation."""

from colonnade.safety.guard import Guardrails, Outcome
from colonnade.safety.injection import check_injection
from colonnade.safety.pii import PIIDetector

__all__ = ["Guardrails", "Outcome", "PIIDetector", "check_injection"]
