"""The assistant: from a question to a grounded, cited answer."""

from colonnade.orchestration.extractive import Answer, Citation, ExtractiveAnswerer

__all__ = ["Answer", "Citation", "ExtractiveAnswerer"]
