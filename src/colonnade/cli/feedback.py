"""``colonnade feedback export`` and ``colonnade eval answers``: rated answers as an
evaluation set, and that set run again against today's index and answerer."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from colonnade.cli.output import console, print_rows
from colonnade.cli.runner import ConfigOpt, fail, run
from colonnade.container import Container
from colonnade.conversations.feedback import SQLiteFeedbackStore
from colonnade.knowledge.models import Filters

__all__ = ["register"]

EVAL_OWNER = "default/colonnade-eval"  # the set's questions are asked as their own user


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            fail(f"{path}:{number} is not JSON: export the set with `colonnade feedback export`")
        if (
            not isinstance(row, dict)
            or not row.get("question")
            or row.get("rating")
            not in (
                "up",
                "down",
            )
        ):
            fail(f"{path}:{number} needs a question and a rating of up or down")
        rows.append(row)
    if not rows:
        fail(f"{path} holds no rated answers")
    return rows


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    feedback = typer.Typer(help="Ratings users gave answers.", no_args_is_help=True)
    app.add_typer(feedback, name="feedback")

    @feedback.command("export")
    def export(
        tenant: Annotated[str | None, typer.Option(help="one tenant; all by default")] = None,
        config: ConfigOpt = None,
    ) -> None:
        """Rated turns as JSON lines on stdout (oldest first): an evaluation set."""

        def body(c: Container) -> None:
            c.conversations  # noqa: B018 - the turns table the ratings refer to
            store = SQLiteFeedbackStore(c.settings.storage.sqlite_path())
            try:
                for row in store.export(tenant=tenant):
                    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            finally:
                store.close()

        run(config, body)

    @eval_app.command("answers")
    def eval_answers(
        rated: Annotated[Path, typer.Argument(help="JSON lines from `colonnade feedback export`")],
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
        config: ConfigOpt = None,
    ) -> None:
        """Ask a rated set again: answers rated up should still cite a document they cited,
        answers rated down should now differ."""
        rows = _load(rated)

        def body(c: Container) -> None:
            results = []
            for row in rows:
                filters = Filters(
                    tenant=str(row.get("tenant") or "default"),
                    collections=list(row.get("collections") or []) or None,
                )
                reply = c.assistant.ask(str(row["question"]), owner=EVAL_OWNER, filters=filters)
                cited = {x.document_id for x in reply.answer.citations}
                if row["rating"] == "up":
                    ok = reply.answer.grounded and bool(cited & set(row.get("documents") or []))
                else:
                    ok = reply.answer.text.strip() != str(row.get("answer", "")).strip()
                results.append({"question": row["question"], "rating": row["rating"], "ok": ok})
            up = [r for r in results if r["rating"] == "up"]
            down = [r for r in results if r["rating"] == "down"]
            summary = {
                "rated": len(results),
                "up_kept": sum(r["ok"] for r in up),
                "up": len(up),
                "down_changed": sum(r["ok"] for r in down),
                "down": len(down),
            }
            if as_json:
                console.print_json(json.dumps({"summary": summary, "results": results}))
                return
            print_rows(
                "rated answers asked again",
                ["rating", "ok", "question"],
                [[r["rating"], "yes" if r["ok"] else "no", str(r["question"])] for r in results],
            )
            console.print(
                f"rated up, still citing a rated document: {summary['up_kept']}/{summary['up']}; "
                f"rated down, now answered differently: {summary['down_changed']}/"
                f"{summary['down']}",
                highlight=False,
                soft_wrap=True,
            )

        run(config, body)
