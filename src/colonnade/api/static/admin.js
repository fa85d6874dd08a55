"use strict";
// Colonnade operations page: every action goes through the Intelligence API with the signed-in
// key or token, so the API's RBAC decides what each section may show or do.
(() => {
  const $ = (id) => document.getElementById(id);
  const KEY = "colonnade.apiKey";
  const token = () => sessionStorage.getItem(KEY) || localStorage.getItem(KEY) || "";

  class ApiError extends Error {
    constructor(message, status) { super(message); this.status = status; }
  }

  async function api(path, options = {}) {
    const headers = { Authorization: `Bearer ${token()}`, ...(options.headers || {}) };
    if (options.body && !(options.body instanceof FormData)) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { ...options, headers });
    if (!response.ok) {
      let detail = `${response.status} ${response.statusText}`;
      let code = "";
      try { ({ detail = detail, code = "" } = await response.json()); } catch (_) { /* not JSON */ }
      // a missing permission, said in words; other refusals (four eyes) speak for themselves
      if (response.status === 403 && ["forbidden", "approval_required", ""].includes(code)) {
        detail = `Your role does not allow this: ${detail}`;
      }
      throw new ApiError(detail, response.status);
    }
    return response;
  }
  const json = async (path, options) => (await api(path, options)).json();

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child);
    return node;
  }
  const cell = (...children) => el("td", {}, ...children);
  // On a phone each row stacks as a card whose cells carry their column's name (admin.css);
  // explicit roles keep them a table to screen readers once CSS makes them blocks.
  const ROLES = { TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TR: "row", TH: "columnheader", TD: "cell" };
  function labelled(table) {
    const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    for (const node of [table, ...table.querySelectorAll("thead, tbody, tr, th, td")]) node.setAttribute("role", ROLES[node.tagName]);
    for (const tr of table.querySelectorAll("tbody tr")) {
      [...tr.children].forEach((td, i) => {
        const name = td.colSpan > 1 || names[i] === "Actions" ? "" : names[i] || "";
        td.setAttribute("data-label", name);
      });
    }
  }
  const rows = (table, list) => {
    $(table).querySelector("tbody").replaceChildren(...list);
    labelled($(table));
  };
  const error = (section, message) => { document.querySelector(`[data-error=${section}]`).textContent = message || ""; };

  async function guarded(section, work) {
    error(section, "");
    try { await work(); } catch (e) { error(section, e.message); }
  }

  // --- documents and collections
  function showReport(body, what) {
    const failed = (body.failed || []).length;
    $("ops-report").textContent = `${what}: ${body.added} added, ${body.updated} updated, `
      + `${body.skipped} unchanged, ${body.chunks} passages in ${body.seconds} s`
      + `${failed ? `; ${failed} failed (see the ingest history)` : ""}.`;
  }

  // --- ingest history: every finished ingestion of the tenant, kept by the server
  const HOW = { upload: "upload", queue: "queued upload", reingest: "re-ingest", cli: "colonnade ingest" };
  function failures(r) {
    if (!r.failed) return "none";
    const more = r.failed - r.failures.length;
    return el("details", { class: "failures" }, el("summary", {}, `${r.failed} failed`),
      el("ul", {}, ...r.failures.map((f) => el("li", {}, el("code", {}, f.source_uri.split("/").pop()),
        ` ${f.reason.replace(/_/g, " ")}: ${f.message}`)),
      ...(more > 0 ? [el("li", {}, `and ${more} more`)] : [])));
  }
  const counts = (r) => [[r.added, "added"], [r.updated, "updated"], [r.skipped, "unchanged"], [r.deleted, "deleted"]]
    .filter(([n]) => n).map(([n, what]) => `${n} ${what}`).join(", ") || "no change";
  async function loadHistory() {
    const records = await json("/v1/ingestions?limit=50");
    rows("history-table", records.length ? records.map((r) => {
      const when = new Date(r.finished_at);
      return el("tr", { class: r.failed ? "has-failures" : "" },
        cell(el("time", { datetime: r.finished_at, title: `started ${new Date(r.started_at).toLocaleString()}` },
          when.toLocaleString())),
        cell(r.collection), cell(HOW[r.kind] || r.kind), cell(r.actor || "–"),
        cell(counts(r)),
        cell(failures(r)));
    }) : [el("tr", {}, el("td", { colspan: "6" }, "Nothing ingested yet."))]);
  }
  const refreshHistory = () => guarded("history", loadHistory);

  const reingest = (path, label) => guarded("library", async () => {
    $("ops-report").textContent = `Re-ingesting ${label}…`;
    try {
      showReport(await json(path, { method: "POST" }), `Re-ingest report for ${label}`);
    } catch (e) { $("ops-report").textContent = ""; throw e; } finally { refreshHistory(); }
    await loadLibrary();
  });

  const action = (label, attrs, onclick) => el("button", { type: "button", class: "link", ...attrs, onclick }, label);

  async function loadLibrary() {
    const collections = await json("/v1/collections");
    rows("collections-table", collections.map((c) => el("tr", {}, cell(c.name), cell(String(c.documents)),
      cell(String(c.chunks)), cell(
        action("Re-ingest", { "aria-label": `Re-ingest collection ${c.name}` },
          () => reingest(`/v1/collections/${encodeURIComponent(c.name)}/reingest`, `collection ${c.name}`)),
        " ",
        action("Delete", { "aria-label": `Delete collection ${c.name}` }, () => guarded("library", async () => {
          if (!confirm(`Delete the collection "${c.name}" and its ${c.documents} documents?`)) return;
          await api(`/v1/collections/${encodeURIComponent(c.name)}`, { method: "DELETE" });
          await loadLibrary();
        }))))));
    const documents = await json("/v1/documents?limit=500");
    rows("documents-table", documents.map((d) => el("tr", {}, cell(d.title), cell(d.collection), cell(d.doc_type),
      cell(String(d.chunks)), cell(el("code", {}, d.id)), cell(
        action("Re-ingest", { "aria-label": `Re-ingest ${d.title}` },
          () => reingest(`/v1/documents/${encodeURIComponent(d.id)}/reingest`, `“${d.title}”`)),
        " ",
        action("Delete", { "aria-label": `Delete ${d.title}` }, () => guarded("library", async () => {
          if (!confirm(`Delete "${d.title}"?`)) return;
          await api(`/v1/documents/${encodeURIComponent(d.id)}`, { method: "DELETE" });
          await loadLibrary();
        }))))));
  }

  function upload(event) {
    event.preventDefault();
    const files = [...$("ops-files").files];
    if (!files.length) return;
    const form = new FormData();
    for (const f of files) form.append("files", f);
    form.append("collection", $("ops-collection").value.trim() || "uploads");
    const xhr = new XMLHttpRequest();  // fetch cannot report upload progress
    xhr.open("POST", "/v1/documents");
    xhr.setRequestHeader("Authorization", `Bearer ${token()}`);
    $("ops-progress").hidden = false;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) $("ops-progress").value = Math.round((100 * e.loaded) / e.total); };
    xhr.onload = () => {
      $("ops-progress").hidden = true;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      refreshHistory();  // a refused upload is recorded too, with its reasons
      if (xhr.status >= 400) { error("library", body.detail || xhr.statusText); return; }
      showReport(body, `Ingest report for “${body.collection}”`);
      $("upload-form").reset();
      guarded("library", loadLibrary);
    };
    xhr.send(form);
  }

  // --- keys and usage
  async function loadKeys() {
    const keys = await json("/v1/admin/keys");
    rows("keys-table", keys.map((k) => el("tr", {}, cell(el("code", {}, k.id)), cell(k.name), cell(k.roles.join(", ")),
      cell(k.state), cell(
        action("Usage", { "aria-label": `Usage of ${k.name} against its limits` }, () => guarded("usage", async () => {
          showUsage(await json(`/v1/admin/usage/keys/${encodeURIComponent(k.id)}`), `the key “${k.name}” (${k.id})`);
          $("h-usage").scrollIntoView({ block: "start" });
        })),
        ...(k.state !== "active" ? [] : [" ", action("Revoke", { "aria-label": `Revoke ${k.name}` },
          () => guarded("keys", async () => {
            if (!confirm(`Revoke the key "${k.name}"? It stops working at once.`)) return;
            await api(`/v1/admin/keys/${encodeURIComponent(k.id)}`, { method: "DELETE" });
            await loadKeys();
          }))])))));
  }

  async function createKey(event) {
    event.preventDefault();
    const created = await json("/v1/admin/keys", { method: "POST",
      body: JSON.stringify({ name: $("key-name").value.trim(), roles: [$("key-role").value] }) });
    $("new-key").hidden = false;
    $("new-key").replaceChildren("New key (shown once, copy it now): ", el("code", {}, created.key));
    $("key-form").reset();
    await loadKeys();
  }

  function showUsage(usage, whose) {
    $("usage-whose").textContent = `Limits of ${whose}, with what is left:`;
    $("usage-mine").hidden = whose === "you";
    rows("usage-table", usage.limits.map((l) => el("tr", {}, cell(l.limit), cell(String(l.amount)),
      cell(`${l.window_s} s`), cell(String(l.remaining)), cell(`${l.reset_s} s`))));
    const month = usage.monthly_tokens;
    $("usage-note").textContent = usage.limits.length ? (month ? `Tokens this month: ${month.used} of ${month.budget}.` : "")
      : "No rate limits or quotas are configured (security.limits).";
  }

  async function loadUsage() {
    const usage = await json("/v1/usage");
    $("whoami").textContent = `Signed in as ${usage.user} (tenant ${usage.tenant})`;
    showUsage(usage, "you");
  }

  // --- LLM deployments
  async function loadLlm() {
    try {
      const state = await json("/v1/admin/llm");
      rows("llm-table", state.deployments.map((d) => {
        const breaker = d.breaker.state || JSON.stringify(d.breaker);
        return el("tr", {}, cell(d.name), cell(d.path), cell(el("span", { class: `state-${breaker}` }, breaker)),
          cell(String(d.in_flight)), cell(d.ewma_ms === null ? "–" : String(d.ewma_ms)), cell(String(d.calls)), cell(String(d.failures)));
      }));
    } catch (e) {
      if (e.status === 404) rows("llm-table", [el("tr", {}, el("td", { colspan: "7" }, e.message))]);
      else throw e;
    }
  }

  // --- model registry (four eyes: the server refuses an approver who trained the version)
  async function loadModels(event) {
    if (event) event.preventDefault();
    const name = $("model-name").value.trim();
    const versions = await json(`/v1/admin/models/${encodeURIComponent(name)}/versions`);
    rows("models-table", versions.map((v) => el("tr", {}, cell(v.version), cell((v.aliases || []).join(", ")),
      cell(v.status), cell(Object.entries(v.metrics || {}).filter(([k]) => ["roc_auc", "f1"].includes(k))
        .map(([k, x]) => `${k} ${Number(x).toFixed(3)}`).join(", ")),
      cell(lastAct(v.history)),
      cell((v.aliases || []).includes("champion") || v.status === "rejected" ? "" : el("button", { type: "button",
        class: "link", "aria-label": `Promote version ${v.version} to champion`,
        onclick: () => guarded("models", async () => {
          $("models-result").textContent = "";
          try {
            const done = await json(`/v1/admin/models/${encodeURIComponent(name)}/versions/${v.version}/promote`,
              { method: "POST", body: JSON.stringify({ alias: "champion" }) });
            $("models-result").textContent = `${name} version ${done.version} is now the champion.`;
          } finally {
            await loadModels().catch(() => {});  // a failed gate marks the version rejected
          }
        }) }, "Promote to champion")))));
  }

  function lastAct(history) {
    const last = (history || [])[history.length - 1];
    if (!last) return "";
    const when = new Date(last.at * 1000).toLocaleString();
    const why = (last.reasons || []).join("; ");
    return `${last.action.replace(/_/g, " ")} by ${last.by}, ${when}${why ? `: ${why}` : ""}`;
  }

  async function rollback() {
    const name = $("model-name").value.trim();
    if (!confirm(`Put the previous champion of ${name} back?`)) return;
    const back = await json(`/v1/admin/models/${encodeURIComponent(name)}/rollback`, { method: "POST" });
    await loadModels();
    $("models-result").textContent = `${name} version ${back.version} is the champion again.`;
  }

  async function verify() {
    const result = await json("/v1/admin/audit/verify");
    $("audit-result").textContent = result.ok ? `Intact: ${result.records} records.`
      : `Broken at record ${result.first_bad_seq}: ${result.reason}`;
    $("audit-result").className = result.ok ? "" : "error";
  }

  $("upload-form").addEventListener("submit", upload);
  $("key-form").addEventListener("submit", (e) => guarded("keys", () => createKey(e)));
  $("model-form").addEventListener("submit", (e) => guarded("models", () => loadModels(e)));
  $("rollback").addEventListener("click", () => guarded("models", rollback));
  $("verify").addEventListener("click", () => guarded("audit", verify));
  $("usage-mine").addEventListener("click", () => guarded("usage", loadUsage));

  if (!token()) { $("signed-out").hidden = false; return; }
  guarded("usage", loadUsage);
  guarded("library", loadLibrary);
  refreshHistory();
  guarded("keys", loadKeys);
  guarded("llm", loadLlm);
  guarded("models", loadModels);
})();
