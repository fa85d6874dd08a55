"""Intent routing: what one turn needs — documents, a prediction, a tool, small talk, or
several of them — and the steps that serve it.

``RulePlanner`` is the embedded default: no model that ships as a package here picks tools
reliably, so it reads the turn clause by clause with rules. A clause that asks a served
model (churn, a customer's risk of leaving) is a prediction; a clause in the imperative
("open a ticket", "can you unlock it", "would you mind raising…") is a tool call; a
question or request for information is documents; greetings and thanks are small talk.
Typos are tolerated by close matching against the few words that decide. Where the rules
see only a question or a statement, a small classifier over the clause (``intent_model``)
decides whether it is in fact a prediction ("will customer 8812 leave us?"), an action told
as a problem ("my screen is cracked, need a ticket") or small talk ("who made you?").
``LLMPlanner`` (``orchestration/llm_planner.py``) does the same with OpenAI-style tool
calling through the router when an LLM is configured.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from colonnade.orchestration.intent_model import intent_model
from colonnade.orchestration.tool_choice import fill_arguments, pick_tool

__all__ = [
    "Plan",
    "Planner",
    "PredictionStep",
    "RulePlanner",
    "ToolStep",
    "fill_arguments",
    "pick_tool",
]

ROUTES = ("documents", "prediction", "tool", "smalltalk")


@dataclass(slots=True, frozen=True)
class PredictionStep:
    model: str
    text: str
    entity_id: int | None = None
    features: dict[str, Any] = field(default_factory=dict)
    others: tuple[int, ...] = ()  # more customers named in the same clause ("3, 4 or 5")


@dataclass(slots=True, frozen=True)
class ToolStep:
    text: str  # the clause that asks for the action
    action: str  # its verb, normalised ("create", "reset", ...)
    tool: str | None = None  # chosen already (by a model's tool call), with its arguments
    arguments: dict[str, Any] | None = None


@dataclass(slots=True)
class Plan:
    """Which routes a turn needs, in the order they were asked, with their steps."""

    intents: list[str]
    documents: str | None = None  # what to search and answer
    predictions: list[PredictionStep] = field(default_factory=list)
    tools: list[ToolStep] = field(default_factory=list)

    @property
    def label(self) -> str:
        work = [i for i in self.intents if i != "smalltalk"]
        if len(work) > 1:
            return "mixed"
        return work[0] if work else "smalltalk"


class Planner(Protocol):
    async def plan(
        self, text: str, tools: list[Any] | None = None, *, classification: str = "internal"
    ) -> Plan:
        """The plan for one turn; ``tools`` are the specs the caller may use;
        ``classification`` (internal or confidential) is what a model planner's request
        carries to the router."""
        ...


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _close(word: str, vocabulary: Iterable[str], cutoff: float = 0.8) -> str | None:
    if len(word) < 4:
        return word if word in vocabulary else None
    match = difflib.get_close_matches(word, list(vocabulary), n=1, cutoff=cutoff)
    return match[0] if match else None


# -- small talk --------------------------------------------------------------------------------
SMALLTALK = {
    # greetings and farewells
    "hi", "hello", "hey", "hiya", "howdy", "yo", "sup", "gm", "there", "all", "everyone",
    "team", "folks", "good", "morning", "afternoon", "evening", "night", "day", "bye",
    "goodbye", "farewell", "see", "ya", "you", "later", "soon", "talk", "catch", "take",
    "care", "have", "a", "an", "weekend", "nice", "one", "ciao", "cya", "ttyl",
    # thanks and acknowledgements
    "thanks", "thank", "thx", "ty", "tysm", "cheers", "mate", "appreciate", "appreciated",
    "it", "that", "this", "so", "much", "very", "many", "for", "the", "help", "helped",
    "helps", "helpful", "great", "perfect", "cool", "awesome", "lovely", "brilliant",
    "wonderful", "super", "excellent", "amazing", "fantastic", "fab", "neat", "sweet",
    "ok", "okay", "k", "kk", "alright", "sure", "fine", "yes", "yeah", "yep", "yup", "no",
    "nope", "noted", "understood", "got", "makes", "sense", "sounds", "works", "worked",
    "np", "worries", "problem", "welcome", "well", "done", "job", "bravo", "lol", "haha",
    "hehe", "wow", "oh", "ah", "i", "again", "just", "and", "too", "as", "always",
    "best", "are", "were", "was", "really", "indeed", "of", "course", "my", "friend",
    "how", "doing", "going", "what's", "whats", "up", "is", "life", "today",
    # other languages
    "merci", "beaucoup", "bonjour", "bonsoir", "salut", "au", "revoir", "bientot", "danke",
    "schon", "vielen", "dank", "hallo", "tschuss", "guten", "tag", "morgen", "gracias",
    "muchas", "hola", "adios", "buenos", "dias", "grazie", "mille", "buongiorno",
    "obrigado", "obrigada", "ola", "tchau", "dankjewel", "bedankt", "doei", "tack",
}  # fmt: skip
# questions that are small talk, not documents
_SOCIAL = re.compile(
    r"^(how are (you|u|things)|how's it going|how is it going|what's up|whats up|sup|"
    r"who are you|what are you|what can you do|are you (a )?(bot|human|real)|"
    r"you there|are you there)\b"
)


def _is_smalltalk(words: list[str]) -> bool:
    if not words:
        return False
    if _SOCIAL.match(" ".join(words).replace(" s ", "'s ")):
        return True
    return all(w in SMALLTALK for w in words)


# -- predictions -------------------------------------------------------------------------------
_CHURN = {"churn", "churning", "churned", "attrition"}
_LIKELIHOOD = {
    "probability", "likely", "likelihood", "risk", "chance", "chances", "odds", "score",
    "probabilite", "predict", "prediction", "forecast", "propensity", "risky", "scoring",
    "probable", "expected", "estimate",
    # other languages
    "risque", "risiko", "riesgo", "probabilidad", "wahrscheinlich", "wahrscheinlichkeit",
    "probabilidade",
}  # fmt: skip
_LEAVE = {
    "cancel", "cancels", "cancelling", "canceling", "cancellation", "leave", "leaves",
    "leaving", "lose", "losing", "lost", "quit", "quits", "quitting", "churn", "renew",
    "renews", "renewal", "stay", "stays", "retain", "retention", "drop", "drops", "defect",
    "switch", "unsubscribe", "terminate", "terminates", "attrition",
    # other languages
    "kundigt", "kundigen", "kundigung", "abwanderung", "abwandern", "abspringen", "depart",
    "partir", "parte", "resilier", "resilie", "resiliation", "cancele", "cancelar", "irse",
    "baja", "abandonar",
}  # fmt: skip
_CUSTOMER = {
    "customer", "customers", "client", "clients", "account", "subscriber", "kunde", "kunden",
    "cliente", "clientes",
}  # fmt: skip
_FEATURE_WORDS = {
    "tenure", "contract", "month-to-month", "two-year", "one-year", "usage", "tickets",
}  # fmt: skip


def _prediction(words: list[str], turn: list[str]) -> bool:
    """A clause asking for a churn score, about a customer named in it or elsewhere in the turn."""
    words = words + [p for w in words if "-" in w for p in w.split("-")]
    churn = any(_close(w, _CHURN, 0.75) for w in words)
    customer = any(_close(w, _CUSTOMER, 0.75) for w in turn)
    number = any(w.isdigit() for w in turn)
    features = any(w in _FEATURE_WORDS for w in turn)
    if churn and (number or customer or features):
        return True
    likelihood = any(_close(w, _LIKELIHOOD, 0.8) for w in words)
    leaving = any(w in _LEAVE for w in words)
    named = any(_close(w, _CUSTOMER, 0.75) for w in words)
    if likelihood and leaving and named:
        return True
    # "is customer 88 at risk?", "will client 12 renew?": a customer by number and its future
    future = leaving or likelihood or ("at" in words and "risk" in words)
    return named and any(w.isdigit() for w in words) and future


_ID = re.compile(
    r"\b(?:customer|client|custmer|costumer|account|acct|cust|kunde|cliente|id)s?\s*(?:#|no\.?|number)?\s*(\d{1,12})\b"
)
_ANY_NUMBER = re.compile(r"\b(\d{1,12})\b")


def _features(text: str) -> dict[str, Any]:
    t = _fold(text)
    out: dict[str, Any] = {}
    for contract in ("month-to-month", "one-year", "two-year"):
        if contract in t or contract.replace("-", " ") in t:
            out["contract"] = contract
    if "electronic check" in t or "electronic-check" in t:
        out["payment_method"] = "electronic-check"
    elif "bank transfer" in t or "bank-transfer" in t:
        out["payment_method"] = "bank-transfer"
    elif re.search(r"\b(card|credit card)\b", t):
        out["payment_method"] = "card"
    for key, rx in (
        (
            "tenure_months",
            r"(\d+(?:\.\d+)?)\s*months?(?:'|s)?\s*(?:of\s+)?tenure|tenure\s*(?:of\s*)?(\d+(?:\.\d+)?)",
        ),
        ("support_tickets", r"(\d+)\s*(?:support\s+)?tickets?"),
        ("usage_gb", r"(\d+(?:\.\d+)?)\s*gb"),
        (
            "monthly_charges",
            r"(?:paying|pays|charges?(?:\s+of)?)\s*\$?(\d+(?:\.\d+)?)\s*(?:a|per)\s*month",
        ),
    ):
        m = re.search(rx, t)
        if m:
            value = next(g for g in m.groups() if g is not None)
            out[key] = int(value) if key == "support_tickets" else float(value)
    return out


def _prediction_step(text: str, model: str) -> PredictionStep:
    t = _fold(text)
    m = _ID.search(t)
    features = _features(text)
    if m is None and len(features) < 2:
        m = _ANY_NUMBER.search(t)
    entity = int(m.group(1)) if m else None
    others: tuple[int, ...] = ()
    if m is not None and entity is not None and re.search(r"\b(customers|clients|accounts)\b", t):
        others = tuple(int(n) for n in _ANY_NUMBER.findall(t[m.start() :]) if int(n) != entity)
    return PredictionStep(model, text, entity, {} if entity is not None else features, others)


# -- tools -------------------------------------------------------------------------------------
ACTIONS = {
    "open": "create", "create": "create", "raise": "create", "file": "create", "log": "create",
    "submit": "create", "make": "create", "start": "create", "book": "book", "reserve": "book",
    "schedule": "book", "register": "register", "request": "request", "grant": "request",
    "add": "add", "reset": "reset", "unlock": "unlock", "escalate": "escalate",
    "update": "update", "comment": "update", "close": "close", "resolve": "close",
    "assign": "assign", "order": "order", "cancel": "cancel", "delete": "delete",
    "remove": "delete", "approve": "approve", "renew": "renew", "send": "send",
    "enable": "enable", "disable": "disable", "revoke": "revoke", "restart": "restart",
    "set": "create", "setup": "create", "enroll": "register", "enrol": "register",
    "subscribe": "register", "unsubscribe": "delete", "change": "update", "modify": "update",
    "edit": "update", "transfer": "update", "move": "update", "rename": "update",
    "replace": "order", "install": "request", "provision": "request",
    "mark": "update", "notify": "send", "email": "send", "ping": "send",
    "remind": "send", "extend": "update", "block": "disable", "deactivate": "disable",
    "activate": "enable", "reopen": "update", "sign": "register", "put": "create",
    "arrange": "book", "lodge": "create", "initiate": "create", "fix": "create",
    "trigger": "create", "run": "create", "repair": "create", "generate": "create",
    "upgrade": "request",
}  # fmt: skip
_LEAD = {
    "and", "also", "now", "then", "please", "pls", "plz", "kindly", "so", "ok", "okay", "just",
    "oh", "hi", "hey", "thanks",
}  # fmt: skip
_ASK = re.compile(
    r"^(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|kindly\s+)?(?:mind\s+)?(\w+)|"
    r"^i\s+(?:need|want|would like|'d like)\s+(?:you\s+)?to\s+(\w+)|"
    r"^(?:i'd|id)\s+like\s+(?:you\s+)?to\s+(\w+)|^help\s+me\s+(\w+)"
)


def _verb(word: str) -> str | None:
    for candidate in (
        word,
        word[:-3] if word.endswith("ing") else "",
        word[:-3] + "e" if word.endswith("ing") else "",
    ):
        if candidate in ACTIONS:
            return ACTIONS[candidate]
    if len(word) >= 3 and not word.endswith("ing"):
        close = difflib.get_close_matches(word, list(ACTIONS), n=1, cutoff=0.85)
        if close and (len(word) >= 5 or word[0] == close[0][0]):
            return ACTIONS[close[0]]
    return None


def _imperative(words: list[str], question: bool = False) -> str | None:
    """The action verb when the clause asks Colonnade to do something, else None.

    A bare verb first in a clause that ends in a question mark reads as a terse question
    ("change freeze dates this year?"), not an order.
    """
    i = 0
    while i < len(words) and words[i] in _LEAD:
        i += 1
    rest = words[i:]
    if not rest:
        return None
    m = _ASK.match(" ".join(rest))
    if m:
        return _verb(next(g for g in m.groups() if g))
    if rest[0] == "if":  # "if it's high create a retention ticket"
        for w in rest[1:8]:
            if (verb := _verb(w)) is not None:
                return verb
        return None
    first = rest[0]
    if question:
        return None
    if first in ("opn",):
        return "create"
    return _verb(first)


# -- documents ---------------------------------------------------------------------------------
_QUESTION = {
    "what", "whats", "what's", "how", "when", "where", "which", "who", "why", "is", "are",
    "am", "can", "could", "do", "does", "did", "should", "may", "must", "will", "would",
    "quelle", "quel", "quoi", "comment", "wie", "was", "tell", "explain", "describe", "any",
    "whom", "whose", "c'est",
}  # fmt: skip


def _asks_information(clause: str, words: list[str]) -> bool:
    lead = 0
    while lead < len(words) - 1 and words[lead] in _LEAD:
        lead += 1
    first = words[lead:]
    return "?" in clause or bool(first and (first[0] in _QUESTION or "what's" in first[:3]))


# clauses: sentences, then " and "/", also" joins; a comma between numbers ("3, 4 or 5")
# does not split
_SPLIT = re.compile(
    r"(?<=[.!?;:])\s+|,(?!\s*\d)\s*|\s+(?:and|also|plus|then|et|und|y)\s+(?=\w)|\s+&\s+",
    re.IGNORECASE,
)


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _SPLIT.split(text) if c and c.strip()]


# how sure the learned model must be to route a clause the rules read as a question or a
# statement to prediction, tool or small talk instead, or a churn question to documents
_OVERRIDE = 0.5
_SMALLTALK = 0.6
_TOOL = 0.65
_POLICY = 0.8
_INFORMATION = 0.85
# words that make a told problem a request even beside a question ("need a ticket")
_REQUEST = {
    "need", "needs", "want", "wanna", "please", "pls", "plz", "ticket", "tkt", "asap",
    "replacement", "brauche", "besoin", "necesito",
}  # fmt: skip


def _action_in(words: list[str]) -> str:
    """The action a clause asks for when it is not phrased as an order ("need a ticket")."""
    for w in words:
        if w in ACTIONS:
            return ACTIONS[w]
    for w in words:
        if len(w) >= 5 and (verb := _verb(w)) is not None:
            return verb
    return (
        "create" if any(w.startswith(("ticket", "case", "incident")) for w in words) else "request"
    )


def _can_predict(turn: list[str], text: str) -> bool:
    """A prediction needs its subject: a number, a customer, or a customer's features."""
    return (
        any(w.isdigit() for w in turn)
        or any(_close(w, _CUSTOMER, 0.75) for w in turn)
        or bool(_features(text))
    )


class RulePlanner:
    """The deterministic planner of the embedded default: rules, and where they only see a
    question or a statement, a small learned model (``intent_model``) over the clause."""

    def __init__(self, model: str = "churn") -> None:
        self.model = model

    def _route(self, clause: str, words: list[str], turn: list[str], text: str) -> tuple[str, str]:
        """One clause's route — smalltalk, prediction, tool, soft-tool (an action read from a
        statement), documents, or statement (context for the rest of the turn) — and the
        action when it is a tool."""
        if _is_smalltalk(words):
            return "smalltalk", ""
        question = _asks_information(clause, words)
        scores = intent_model().scores(clause)
        if _prediction(words, turn):
            # a policy question that names churn and a customer is still a policy question
            if question and scores["documents"] >= _POLICY:
                return "documents", ""
            return "prediction", ""
        action = _imperative(words, clause.rstrip().endswith("?"))
        if action is not None:
            return "tool", action
        best = max(scores, key=scores.__getitem__)
        confidence = scores[best]
        if best == "smalltalk" and confidence >= _SMALLTALK:
            return "smalltalk", ""
        if best == "prediction" and confidence >= _OVERRIDE and _can_predict(turn, text):
            # a statement ("predict if 7777 cancels") only with a number and a word of leaving
            cue = any(w in _LEAVE or w in _CHURN or w in _LIKELIHOOD for w in words)
            if question or (confidence >= _POLICY and cue and any(w.isdigit() for w in words)):
                return "prediction", ""
        if best == "tool" and confidence >= _TOOL:
            return ("tool" if question else "soft-tool"), _action_in(words)
        if question or (best == "documents" and confidence >= _INFORMATION):
            return "documents", ""
        return "statement", ""

    async def plan(
        self, text: str, tools: list[Any] | None = None, *, classification: str = "internal"
    ) -> Plan:
        return self.classify(text)

    def classify(self, text: str) -> Plan:
        intents: list[str] = []
        documents: list[str] = []
        statements: list[str] = []
        predictions: list[PredictionStep] = []
        steps: list[ToolStep] = []

        def mark(intent: str) -> None:
            if intent not in intents:
                intents.append(intent)

        turn = _words(text)
        soft_tools: list[ToolStep] = []  # actions read from statements ("need a ticket")
        for clause in clauses(text):
            words = _words(clause)
            if not words:
                continue
            route, action = self._route(clause, words, turn, text)
            if route == "smalltalk":
                mark("smalltalk")
            elif route == "prediction":
                mark("prediction")
                # the customer may be described in the clauses before ("…, 0 tickets: churn?")
                source = clause if _ID.search(_fold(clause)) else text
                predictions.append(_prediction_step(source, self.model))
            elif route == "tool":
                mark("tool")
                steps.append(ToolStep(re.sub(r"^(?:and|also|then)\s+", "", clause), action))
            elif route == "soft-tool":
                soft_tools.append(ToolStep(clause, action))
            elif route == "documents":
                mark("documents")
                documents.append(clause)
            else:
                statements.append(clause)
        for step in soft_tools:
            if "documents" in intents and not _REQUEST & set(_words(step.text)):
                # a problem told before a question is its context ("I'm locked out, what do I do?")
                statements.append(step.text)
            else:
                mark("tool")
                steps.append(step)
        if statements and (documents or not intents or intents == ["smalltalk"]):
            # context for a question ("my laptop got stolen, what do I do?") or the whole
            # request when nothing else was recognised
            mark("documents")
        if "documents" in intents:
            documents = [c for c in clauses(text) if c in documents or c in statements]
        if not intents and not statements and not _words(text):
            intents = ["smalltalk"]  # an emoji or punctuation alone
        return Plan(
            intents=intents or ["documents"],
            documents=" ".join(documents) if "documents" in intents else None,
            predictions=predictions,
            tools=steps,
        )
