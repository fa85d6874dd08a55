"use strict";
// Pending tool calls in the web chat: each high-risk action waiting for a person, with its
// tool and exact arguments, and Approve / Deny for approvers (GET/POST /v1/approvals). The
// server decides who may approve: the requester never can, and a refusal is shown.
(() => {
  const $ = (id) => document.getElementById(id);
  const KEY = "colonnade.apiKey";
  const token = () => sessionStorage.getItem(KEY) || localStorage.getItem(KEY) || "";

  async function call(path, options = {}) {
    const headers = { Authorization: `Bearer ${token()}` };
    if (options.body) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { ...options, headers });
    let body = null;
    try { body = await response.json(); } catch (_) { /* no body */ }
    if (!response.ok) throw new Error((body && body.detail) || `${response.status}`);
    return body;
  }

  function row(approval) {
    const li = document.createElement("li");
    li.className = "approval";
    li.dataset.id = approval.id;
    const title = document.createElement("div");
    title.className = "approval-tool";
    title.textContent = approval.tool;
    const args = document.createElement("pre");
    args.className = "approval-args small";
    args.textContent = JSON.stringify(approval.arguments, null, 1);
    const who = document.createElement("div");
    who.className = "muted small";
    who.textContent = `asked by ${approval.requester}`;
    const buttons = document.createElement("div");
    buttons.className = "approval-buttons";
    const note = document.createElement("div");
    note.className = "error small approval-note";
    for (const [label, decision] of [["Approve", "approve"], ["Deny", "deny"]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = decision === "approve" ? "primary approve" : "deny";
      b.textContent = label;
      b.addEventListener("click", async () => {
        try {
          await call(`/v1/approvals/${encodeURIComponent(approval.id)}`, {
            method: "POST", body: JSON.stringify({ decision }),
          });
          await refresh();
        } catch (err) {
          note.textContent = err.message;
        }
      });
      buttons.append(b);
    }
    li.append(title, args, who, buttons, note);
    return li;
  }

  async function refresh() {
    if (!token()) return;
    let data;
    try {
      data = (await call("/v1/approvals?status=pending")).data;
    } catch (_) {
      $("approvals-nav").hidden = true; // no tools layer, or not signed in yet
      return;
    }
    const list = $("approvals");
    list.replaceChildren(...data.map(row));
    $("approvals-nav").hidden = data.length === 0;
  }

  refresh();
  setInterval(refresh, 10000);
  window.addEventListener("focus", refresh);
})();
