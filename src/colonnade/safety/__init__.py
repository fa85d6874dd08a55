"""Guardrails: PII detection and redaction, prompt-injection checks, output validation."""

from colonnade.safety.guard import WITHHELD, Guardrails, Outcome, Verdict
from colonnade.safety.injection import check_injection
from colonnade.safety.pii import PIIDetector

__all__ = ["WITHHELD", "Guardrails", "Outcome", "PIIDetector", "Verdict", "check_injection"]
