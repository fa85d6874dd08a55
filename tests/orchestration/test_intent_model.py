"""Intent routing beyond the phrasings the rules were written for: requests written apart
from the planner's example file (typos, terse, narrative, indirect, other languages), read
by the rules and the learned clause model together."""

from __future__ import annotations

import pytest

from colonnade.orchestration.intent_model import LABELS, IntentModel, intent_model
from colonnade.orchestration.planner import RulePlanner

PLANNER = RulePlanner()


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        # predictions without the word churn
        ("will customer 8812 leave us?", ["prediction"]),
        ("how likely is acct 77 to cancel", ["prediction"]),
        ("do you think client 4120 is about to walk away?", ["prediction"]),
        ("chances account 93 doesn't renew this year", ["prediction"]),
        ("Wird Kunde 512 kündigen?", ["prediction"]),
        ("any idea if client 92 will bail on us", ["prediction"]),
        # statements that ask for an action
        ("my screen is cracked, need a ticket", ["tool"]),
        ("the projector in room 2 is dead again, please sort it", ["tool"]),
        ("I'd really appreciate it if someone could book me a desk for Monday", ["tool"]),
        ("pls resett my pasword", ["tool"]),
        ("yo can someone look at my broken docking station", ["tool"]),
        ("the wifi in building B is down. fix pls", ["tool"]),
        # questions about the assistant itself, and chit-chat
        ("who made you?", ["smalltalk"]),
        ("are you an actual person or a program?", ["smalltalk"]),
        ("what kind of things can you help with?", ["smalltalk"]),
        ("thank you very much, that's everything", ["smalltalk"]),
        ("are you using GPT-4 under the hood?", ["smalltalk"]),
        # documents: greetings before a question, how-to, policies that name customers
        ("hello! what's the mileage allowance?", ["documents"]),
        ("how do I request a second monitor?", ["documents"]),
        ("client 600 invited me to their box at the stadium, may I accept?", ["documents"]),
        ("I'm locked out of my laptop, what should I do?", ["documents"]),
        ("is it ok to accept a lunch invite from customer 301?", ["documents"]),
        ("¿cuántos días de teletrabajo tenemos?", ["documents"]),
        ("quelles sont les règles pour les notes de frais ?", ["documents"]),
        # mixed, clause by clause
        ("will customer 8812 leave us? if so open a retention ticket", ["prediction", "tool"]),
        (
            "my screen is cracked, need a ticket. Also what's the laptop replacement policy?",
            ["tool", "documents"],
        ),
        (
            "whats the refund policy & will customer 310 cancel",
            ["documents", "prediction"],
        ),
        ("Kunde 42 kündigt wahrscheinlich? Bitte ein Ticket anlegen", ["prediction", "tool"]),
    ],
)
def test_routes_requests_phrased_apart_from_the_examples(text: str, intents: list[str]) -> None:
    plan = PLANNER.classify(text)
    # a greeting before a question is noted as small talk beside it; the route is the question
    assert set(plan.intents) - {"smalltalk"} == set(intents) - {"smalltalk"}
    assert plan.label == (intents[0] if len(intents) == 1 else "mixed")


def test_steps_keep_their_subject_when_the_model_routes_them() -> None:
    plan = PLANNER.classify("will customer 8812 leave us? if so open a retention ticket")
    assert [p.entity_id for p in plan.predictions] == [8812]
    assert plan.tools[0].action == "create"
    assert "retention ticket" in plan.tools[0].text
    plan = PLANNER.classify("my screen is cracked, need a ticket")
    assert [t.action for t in plan.tools] == ["create"]


def test_the_clause_model_scores_every_route() -> None:
    scores = intent_model().scores("could you book me a train to Hamburg")
    assert set(scores) == set(LABELS)
    assert abs(sum(scores.values()) - 1.0) < 1e-5
    assert max(scores, key=scores.__getitem__) == "tool"


def test_a_model_learns_only_from_what_it_is_given() -> None:
    model = IntentModel(
        {
            "documents": ["what is the policy on pets", "how many days of leave"],
            "prediction": ["will customer 1 leave", "churn risk of client 2"],
            "tool": ["open a ticket", "book a room"],
            "smalltalk": ["hello", "thanks a lot"],
        }
    )
    assert model.best("will customer 9 leave")[0] == "prediction"
    assert model.best("hello there")[0] == "smalltalk"
    with pytest.raises(ValueError, match="at least one example"):
        IntentModel({})
