"""A prediction turn end to end: the planner reads the customer from the text, the
governed `predict` tool scores it with the served churn model, the audit trail has it."""

from __future__ import annotations

from pathlib import Path

from tests.ml.test_serving import client_for


def test_churn_question_is_scored_by_the_served_model(ml_dir: Path) -> None:
    with client_for(ml_dir) as api:
        risky = api.post(
            "/v1/turns",
            json={
                "text": "churn probability for a month-to-month customer paying by electronic "
                "check, 2 months tenure, 6 support tickets, 20 GB usage, charges of 99.5 per month"
            },
        ).json()
        assert risky["intent"] == "prediction", risky
        part = risky["parts"][0]
        assert part["status"] == "done", part
        data = part["data"]
        assert data["model"] == "churn" and data["model_version"] == "1"
        assert data["step"] == "champion" and 0.0 <= data["probability"] <= 1.0
        loyal = api.post(
            "/v1/turns",
            json={
                "text": "churn probability for a two-year customer paying by card, 60 months "
                "tenure, 0 support tickets, 20 GB usage, charges of 40 per month"
            },
        ).json()["parts"][0]["data"]
        assert loyal["probability"] < data["probability"]  # the signal the data was made with
        missing = api.post(
            "/v1/turns", json={"text": "what is the churn risk of this customer?"}
        ).json()
        assert missing["parts"][0]["status"] == "missing"
        audit = api.app.state.container.audit  # type: ignore[attr-defined]
        calls = [r for r in audit.records(action="tool_call") if r["tool"] == "predict"]
        assert [r["outcome"] for r in calls] == ["done", "done"]
        assert all(r["route"] == "assistant" for r in calls)
