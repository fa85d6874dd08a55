"""An MCP server over stdio that answers the handshake properly and tool calls with a
result that breaks the protocol's schema (content is not a list)."""

from __future__ import annotations

import json
import sys


def reply(msg_id: object, result: object = None, error: object = None) -> None:
    out: dict[str, object] = {"jsonrpc": "2.0", "id": msg_id}
    if error is not None:
        out["error"] = error
    else:
        out["result"] = result
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    msg = json.loads(line)
    method, msg_id = msg.get("method"), msg.get("id")
    if msg_id is None:
        continue  # a notification
    if method == "initialize":
        reply(
            msg_id,
            {
                "protocolVersion": msg["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "bad", "version": "1"},
            },
        )
    elif method == "tools/list":
        tool = {"name": "broken", "inputSchema": {"type": "object", "properties": {}}}
        reply(msg_id, {"tools": [tool]})
    elif method == "tools/call":
        reply(msg_id, {"content": "this is not a list of content blocks", "isError": 7})
    else:
        reply(msg_id, error={"code": -32601, "message": f"method not found: {method}"})
