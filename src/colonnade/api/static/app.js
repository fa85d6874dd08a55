"use strict";
// Colonnade web chat: streams answers from POST /v1/answers (server-sent events over fetch),
// which routes each turn by intent (documents, predictions, tools), renders them as sanitised
// Markdown with citations that open the source passage, shows a tool call waiting for
// approval with Approve / Deny / Run, keeps,
// searches, renames and switches conversations, and uploads documents.
(() => {
  const $ = (id) => document.getElementById(id);
  const KEY = "colonnade.apiKey";
  const state = { conversationId: null, busy: false, controller: null, conversations: [], lastQuestion: "" };

  // --- identity: an OIDC token from the sign-in (#token=, kept for this tab only), or an API
  // key: the local one from the #key= link `colonnade serve` prints, or typed in
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("key")) localStorage.setItem(KEY, hash.get("key"));
  if (hash.get("token")) sessionStorage.setItem(KEY, hash.get("token"));
  if (hash.get("key") || hash.get("token")) {
    history.replaceState(null, "", location.pathname + location.search);
  }
  const apiKey = () => sessionStorage.getItem(KEY) || localStorage.getItem(KEY) || "";
  const signInOptions = fetch("/auth/config").then((r) => r.json()).catch(() => ({ local_login: true }));

  async function showSignIn(message) {
    sessionStorage.removeItem(KEY);
    const options = await signInOptions;
    $("oidc-signin").hidden = !options.oidc;
    $("local-signin").hidden = !options.local_login;
    $("key-signin").hidden = !options.local_login;
    $("signin").hidden = false;
    $("signin-error").hidden = !message;
    $("signin-error").textContent = message || "";
    if (options.local_login) $("api-key").focus();
    else $("oidc-signin").focus();
  }

  function signOut() {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
    state.conversationId = null;
    $("conversations").replaceChildren();
    $("whoami").textContent = "";
    $("signout").hidden = true;
    resetChat("New conversation");
    showSignIn("You are signed out.");
  }

  class ApiError extends Error {
    constructor(message, code, status) { super(message); this.code = code; this.status = status; }
  }

  // words for problems a user meets in the chat, instead of internal codes
  function say(error) {
    if (error.code === "prompt_injection") {
      return "This question reads like an attempt to change the assistant's instructions, so it was not answered. Ask about your documents instead.";
    }
    if (error.code === "rate_limited" || error.status === 429) return "Too many questions at once: wait a moment and ask again.";
    return error.message;
  }

  async function api(path, options = {}) {
    const headers = { Authorization: `Bearer ${apiKey()}`, ...(options.headers || {}) };
    if (options.body && !(options.body instanceof FormData)) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { ...options, headers });
    if (response.status === 401) {
      showSignIn("Your sign-in was not accepted or has expired.");
      throw new ApiError("unauthorized", "unauthorized", 401);
    }
    if (!response.ok) {
      let detail = `${response.status} ${response.statusText}`;
      let code = "";
      try { const body = await response.json(); detail = body.detail || detail; code = body.code || ""; } catch (_) { /* not JSON */ }
      throw new ApiError(detail, code, response.status);
    }
    return response;
  }

  // --- rendering
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

  // where in the document: the headings below the title (the title is shown once), the page
  function where(c) {
    const path = (c.heading_path || []).filter((h, i) => !(i === 0 && h === c.title));
    const parts = [];
    if (path.length) parts.push(path.join(" › "));
    if (c.page) parts.push(`page ${c.page}`);
    return parts.join(" · ");
  }

  function renderAnswer(container, text, citations) {
    const byNumber = new Map(citations.map((c) => [c.number, c]));
    window.renderMarkdown(container, text, (n) => {
      const citation = byNumber.get(n);
      return citation && el("button", { class: "cite", type: "button", title: citation.title,
        "aria-label": `Source ${n}: ${citation.title}`, "data-cite": String(n),
        onclick: (e) => openSource(citation, e.currentTarget) }, String(n));
    });
  }

  function renderSources(list, citations) {
    list.replaceChildren(...citations.map((c) => {
      const place = where(c);
      return el("li", {}, el("button", { type: "button", title: `${c.title}${place ? ` — ${place}` : ""}`,
        onclick: (e) => openSource(c, e.currentTarget) },
        `${c.number ? `[${c.number}] ` : ""}${c.title}${c.page ? `, p.${c.page}` : ""}`));
    }));
  }

  function closeSource() {
    $("source-panel").hidden = true;
    document.querySelectorAll(".cite.active").forEach((b) => b.classList.remove("active"));
  }

  function openSource(c, button) {
    document.querySelectorAll(".cite.active").forEach((b) => b.classList.remove("active"));
    if (button && button.classList.contains("cite")) button.classList.add("active");
    $("source-number").textContent = c.number ? `[${c.number}]` : "";
    $("source-title").textContent = c.title;
    $("source-where").textContent = where(c);
    $("source-uri").textContent = c.source_uri;
    const passage = c.passage || c.snippet;
    const quote = $("source-passage");
    quote.replaceChildren();
    const at = c.snippet ? passage.indexOf(c.snippet) : -1;
    if (at >= 0) {
      quote.append(passage.slice(0, at), el("mark", {}, c.snippet), passage.slice(at + c.snippet.length));
    } else {
      quote.append(passage);
    }
    state.source = c;
    $("original-status").textContent = "";
    $("source-panel").hidden = false;
    quote.querySelector("mark")?.scrollIntoView({ block: "center" });
    $("close-source").focus({ preventScroll: true });
  }

  // the original file, fetched with the caller's credentials and opened at the cited page
  async function openOriginal() {
    const c = state.source;
    if (!c) return;
    const tab = window.open("", "_blank");
    $("original-status").textContent = "Opening…";
    try {
      const response = await api(`/v1/documents/${encodeURIComponent(c.document_id)}/original`);
      const url = URL.createObjectURL(await response.blob());
      const at = c.page ? `#page=${c.page}` : "";
      if (tab) tab.location.href = url + at; else location.assign(url + at);
      $("original-status").textContent = "";
    } catch (error) {
      if (tab) tab.close();
      $("original-status").textContent = say(error);
    }
  }

  function addUser(text) {
    $("welcome").hidden = true;
    const node = el("div", { class: "msg user" }, text);
    $("messages").append(node);
    return node;
  }

  function addAssistant() {
    const text = el("div", { class: "text" });
    const status = el("div", { class: "status muted small" }, "Searching your documents…");
    const sources = el("ul", { class: "sources", "aria-label": "Sources" });
    const meta = el("div", { class: "meta" });
    const actions = el("div", { class: "actions" });
    const node = el("div", { class: "msg assistant pending" }, status, text, sources, meta, actions);
    $("messages").append(node);
    return { node, text, status, sources, meta, actions };
  }

  // thumbs up or down (stored with the turn), with an optional comment
  function feedbackControls(conversationId, turn) {
    const url = `/v1/conversations/${encodeURIComponent(conversationId)}/turns/${turn}/feedback`;
    const status = el("span", { class: "muted small", role: "status" });
    const comment = el("input", { type: "text", class: "comment", maxlength: "2000",
      placeholder: "What was wrong? (optional)", "aria-label": "What was wrong with this answer (optional)" });
    const send = el("button", { type: "button", class: "link" }, "Send");
    const form = el("span", { class: "feedback-comment", hidden: "" }, comment, send);
    const rate = async (rating, text = "") => {
      try {
        await api(url, { method: "PUT", body: JSON.stringify({ rating, comment: text }) });
        up.setAttribute("aria-pressed", String(rating === "up"));
        down.setAttribute("aria-pressed", String(rating === "down"));
        status.textContent = text ? "Thanks: comment saved." : "Thanks for the feedback.";
      } catch (error) { status.textContent = say(error); }
    };
    const up = el("button", { type: "button", class: "link thumb up", "aria-pressed": "false",
      "aria-label": "Good answer", title: "Good answer", onclick: () => { form.hidden = true; rate("up"); } }, "▲ Helpful");
    const down = el("button", { type: "button", class: "link thumb down", "aria-pressed": "false",
      "aria-label": "Bad answer", title: "Bad answer",
      onclick: () => { form.hidden = false; rate("down"); comment.focus(); } }, "▼ Not helpful");
    send.addEventListener("click", () => rate("down", comment.value.trim()).then(() => { form.hidden = true; }));
    comment.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); send.click(); } });
    return [up, down, form, status];
  }

  function addActions(view, answerText, question, conversationId, turn) {
    const copy = el("button", { type: "button", class: "link copy", onclick: async () => {
      try { await navigator.clipboard.writeText(answerText); copy.textContent = "Copied"; }
      catch (_) { copy.textContent = "Copy failed"; }
      setTimeout(() => { copy.textContent = "Copy"; }, 1500);
    } }, "Copy");
    const again = el("button", { type: "button", class: "link regenerate",
      onclick: () => { if (!state.busy) ask(question); } }, "Regenerate");
    view.actions.replaceChildren(copy, again,
      ...(conversationId && turn ? feedbackControls(conversationId, turn) : []));
  }

  // a turn routed to a high-risk tool: the pending action with its exact arguments, Approve /
  // Deny (the server refuses a requester's own approval, and the card says so) and Run, which
  // carries out the approved call once
  function pendingAction(part) {
    const a = (part.data && part.data.approval) || part.approval;
    if (!a) return null;
    const note = el("div", { class: "small pending-note", role: "status" },
      `Waiting for a person's approval (request ${a.id}).`);
    const post = async (path, body) => (await api(path, { method: "POST", body: JSON.stringify(body) })).json();
    const decide = (decision) => async () => {
      try {
        const r = await post(`/v1/approvals/${encodeURIComponent(a.id)}`, { decision });
        note.textContent = r.status === "approved" ? "Approved: Run carries it out." : `Request ${r.status}.`;
      } catch (error) { note.textContent = say(error); }
    };
    const card = el("div", { class: "pending-action", "data-approval": a.id },
      el("div", { class: "pending-tool" }, `${a.tool} waits for approval`),
      el("pre", { class: "pending-args small" }, JSON.stringify(a.arguments, null, 1)),
      el("div", { class: "approval-buttons" },
        el("button", { type: "button", class: "primary approve", onclick: decide("approve") }, "Approve"),
        el("button", { type: "button", class: "deny", onclick: decide("deny") }, "Deny"),
        el("button", { type: "button", class: "run", onclick: async () => {
          try {
            const r = await post(`/v1/tools/${encodeURIComponent(a.tool)}`, { arguments: a.arguments, approval_id: a.id });
            note.textContent = r.status === "pending_approval" ? "Still waiting for approval." : `${a.tool}: ${r.text}`;
            if (r.status === "done") card.classList.add("done");
          } catch (error) { note.textContent = say(error); }
        } }, "Run")),
      note);
    return card;
  }

  function finish(view, answer) {
    view.node.classList.remove("pending");
    view.status.remove();
    renderAnswer(view.text, answer.answer, answer.citations);
    renderSources(view.sources, answer.citations);
    const bits = [answer.generator + (answer.model ? ` (${answer.model})` : "")];
    if (answer.intent === "documents") bits.push(`confidence ${Number(answer.confidence).toFixed(2)}`);
    if (answer.timings_ms && answer.timings_ms.total_ms !== undefined) bits.push(`${Math.round(answer.timings_ms.total_ms)} ms`);
    view.meta.textContent = bits.join(" · ");
    for (const warning of answer.warnings || []) view.node.append(el("div", { class: "warning" }, `⚠ ${warning}`));
    if (!answer.grounded && (answer.related || []).length) {
      // a refusal still points somewhere: the nearest passages, to read, never as a source
      const list = el("ul", { class: "sources" });
      renderSources(list, answer.related.map((c) => ({ ...c, number: 0 })));  // unnumbered: no source
      view.node.insertBefore(el("div", { class: "related" },
        el("p", {}, "Nearest passages I found, in case the answer is there:"), list), view.meta);
    }
    for (const part of answer.parts || []) {
      const card = part.status === "pending_approval" ? pendingAction(part) : null;
      if (card) view.node.insertBefore(card, view.meta);
    }
    addActions(view, answer.answer, answer.question, answer.conversation_id, answer.turn);
  }

  function fail(view, message) {
    view.node.classList.remove("pending");
    view.node.classList.add("failed");
    view.status.remove();
    view.text.textContent = message;
  }

  const scrollDown = () => { $("messages").scrollTop = $("messages").scrollHeight; };

  // --- conversations
  function renderConversations() {
    const term = $("search-conversations").value.trim().toLowerCase();
    const shown = state.conversations.filter((c) => !term || (c.title || "").toLowerCase().includes(term));
    $("no-conversations").hidden = shown.length > 0;
    $("no-conversations").textContent = term ? "No conversation matches." : "No conversations yet.";
    $("conversations").replaceChildren(...shown.map((c) => el("li",
      { class: c.id === state.conversationId ? "active" : "", "data-id": c.id },
      el("button", { class: "open", type: "button", title: c.title, onclick: () => { openConversation(c.id); closeDrawer(); } }, c.title || "Untitled"),
      el("button", { class: "delete", type: "button", title: "Delete conversation", "aria-label": `Delete ${c.title}`,
        onclick: () => deleteConversation(c.id, c.title) }, "×"))));
  }

  async function loadConversations() {
    state.conversations = await (await api("/v1/conversations")).json();
    renderConversations();
  }

  function resetChat(title) {
    $("messages").replaceChildren($("welcome"));
    $("welcome").hidden = false;
    closeSource();
    $("conversation-title").textContent = title;
    $("rename").hidden = state.conversationId === null;
  }

  async function openConversation(id) {
    const conversation = await (await api(`/v1/conversations/${encodeURIComponent(id)}`)).json();
    state.conversationId = id;
    resetChat(conversation.title || "Conversation");
    $("welcome").hidden = true;
    for (const turn of conversation.messages) {
      addUser(turn.question);
      const view = addAssistant();
      finish(view, {
        answer: turn.answer, citations: turn.citations, generator: turn.generator, question: turn.question,
        conversation_id: id, turn: turn.ordinal,
        model: turn.metadata.model, intent: turn.metadata.intent || "documents",
        confidence: turn.metadata.confidence || 0, warnings: turn.metadata.warnings || [],
        parts: turn.metadata.parts || [],
      });
    }
    scrollDown();
    await loadConversations();
  }

  async function renameConversation() {
    if (!state.conversationId) return;
    const title = prompt("Rename this conversation", $("conversation-title").textContent);
    if (!title || !title.trim()) return;
    await api(`/v1/conversations/${encodeURIComponent(state.conversationId)}`,
      { method: "PATCH", body: JSON.stringify({ title: title.trim() }) });
    $("conversation-title").textContent = title.trim();
    await loadConversations();
  }

  async function deleteConversation(id, title) {
    if (!confirm(`Delete "${title}"? Its messages and sources are erased.`)) return;
    await api(`/v1/conversations/${encodeURIComponent(id)}`, { method: "DELETE" });
    if (state.conversationId === id) newConversation();
    await loadConversations();
  }

  function newConversation() {
    state.conversationId = null;
    resetChat("New conversation");
    document.querySelectorAll("#conversations li.active").forEach((li) => li.classList.remove("active"));
    closeDrawer();
    $("question").focus();
  }

  // --- the library: collections to ask, suggested questions, the empty-index hint, uploads
  async function loadLibrary() {
    const collections = await (await api("/v1/collections")).json();
    const select = $("collection");
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "" }, "All collections"),
      ...collections.map((c) => el("option", { value: c.name }, `${c.name} (${c.documents})`)));
    select.value = collections.some((c) => c.name === chosen) ? chosen : "";
    const empty = collections.every((c) => !c.documents);
    $("empty-index").hidden = !empty;
    const suggestions = [];
    if (!empty) {
      const docs = await (await api("/v1/documents?limit=30")).json();
      const titles = [...new Set(docs.map((d) => d.title).filter(Boolean))];
      for (const title of titles.slice(0, 3)) suggestions.push(`What does the ${title} say?`);
    }
    $("suggestions").replaceChildren(...suggestions.map((q) => el("button", { type: "button", class: "suggestion",
      onclick: () => { $("question").value = q; $("composer").requestSubmit(); } }, q)));
  }

  function upload(files) {
    if (!files.length) return;
    const form = new FormData();
    for (const file of files) form.append("files", file);
    form.append("collection", $("collection").value || "uploads");
    const bar = $("upload-progress");
    const report = $("upload-report");
    bar.hidden = false;
    bar.value = 0;
    report.textContent = `Uploading ${files.length} file${files.length > 1 ? "s" : ""}…`;
    const xhr = new XMLHttpRequest();  // fetch cannot report upload progress
    xhr.open("POST", "/v1/documents");
    xhr.setRequestHeader("Authorization", `Bearer ${apiKey()}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total); };
    xhr.upload.onload = () => { report.textContent = "Indexing…"; };
    xhr.onload = () => {
      bar.hidden = true;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      if (xhr.status === 401) { showSignIn("Your sign-in was not accepted or has expired."); return; }
      if (xhr.status >= 400) {
        report.textContent = `Not indexed: ${body.detail || xhr.statusText}`;
        report.className = "small error";
        return;
      }
      report.className = "small";
      const failed = (body.failed || []).map((f) => `${f.source_uri.split("/").pop()}: ${f.message}`);
      report.textContent = `Into “${body.collection}”: ${body.added} added, ${body.updated} updated, `
        + `${body.skipped} unchanged, ${body.chunks} passages${failed.length ? `; failed: ${failed.join("; ")}` : ""}.`;
      loadLibrary().catch(() => {});
    };
    xhr.onerror = () => { bar.hidden = true; report.textContent = "The upload failed: the server could not be reached."; };
    xhr.send(form);
  }

  // --- asking: read the event stream as it arrives; Stop cancels it
  function setBusy(busy) {
    state.busy = busy;
    $("send").hidden = busy;
    $("stop").hidden = !busy;
    if (!busy) state.controller = null;
  }

  async function ask(question) {
    setBusy(true);
    closeSource();  // the panel never stays on an older answer's source
    state.controller = new AbortController();
    addUser(question);
    const view = addAssistant();
    scrollDown();
    let streamed = "";
    const collection = $("collection").value;
    try {
      const response = await api("/v1/answers", {
        method: "POST",
        body: JSON.stringify({ question, conversation_id: state.conversationId, stream: true,
          ...(collection ? { filters: { collections: [collection] } } : {}) }),
        headers: { Accept: "text/event-stream" },
        signal: state.controller.signal,
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let done = false;
      while (!done) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] || "null");
          if (event === "meta") {
            const first = state.conversationId === null;
            state.conversationId = data.conversation_id;
            $("rename").hidden = false;
            if (first) $("conversation-title").textContent = question.slice(0, 80);
            view.status.textContent = data.intent === "tool" || data.intent === "prediction"
              ? "Working on it…" : "Writing the answer…";
          } else if (event === "delta") {
            streamed += data.text;
            renderAnswer(view.text, streamed, []);
            scrollDown();
          } else if (event === "done") {
            finish(view, data);
            done = true;
          } else if (event === "error") {
            fail(view, `The answer could not be completed: ${say(data)}`);
            done = true;
          }
        }
      }
      if (!done) fail(view, "The connection closed before the answer was complete.");
    } catch (error) {
      if (error.name === "AbortError") {
        fail(view, streamed ? `${streamed}\n\n(stopped)` : "Stopped before an answer arrived.");
        view.node.classList.add("stopped");
      } else if (error.message === "unauthorized") fail(view, "Sign in to ask questions.");
      else fail(view, say(error));
    } finally {
      setBusy(false);
      scrollDown();
      loadConversations().catch(() => {});
    }
  }

  // --- the drawer (narrow screens)
  function openDrawer() {
    document.body.classList.add("drawer-open");
    $("drawer-backdrop").hidden = false;
    $("open-drawer").setAttribute("aria-expanded", "true");
    $("new-conversation").focus();
  }
  function closeDrawer() {
    if (!document.body.classList.contains("drawer-open")) return;
    document.body.classList.remove("drawer-open");
    $("drawer-backdrop").hidden = true;
    $("open-drawer").setAttribute("aria-expanded", "false");
  }

  async function start() {
    await loadConversations();
    const usage = await (await api("/v1/usage")).json();
    $("whoami").textContent = `Signed in as ${usage.user}`;
    $("signout").hidden = false;
    await loadLibrary();
  }

  // --- wiring
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const question = $("question").value.trim();
    if (!question || state.busy) return;
    $("question").value = "";
    $("question").style.height = "";
    ask(question);
  });
  $("question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("question").addEventListener("input", (e) => {
    e.target.style.height = "auto";
    e.target.style.height = `${e.target.scrollHeight}px`;
  });
  $("stop").addEventListener("click", () => state.controller?.abort());
  $("new-conversation").addEventListener("click", newConversation);
  $("rename").addEventListener("click", () => renameConversation().catch((e) => alert(say(e))));
  $("search-conversations").addEventListener("input", renderConversations);
  $("close-source").addEventListener("click", closeSource);
  $("open-original").addEventListener("click", openOriginal);
  $("open-drawer").addEventListener("click", openDrawer);
  $("close-drawer").addEventListener("click", closeDrawer);
  $("drawer-backdrop").addEventListener("click", closeDrawer);
  $("signout").addEventListener("click", signOut);
  $("upload-files").addEventListener("change", (e) => { upload([...e.target.files]); e.target.value = ""; });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    if (!$("source-panel").hidden) closeSource();
    else closeDrawer();
  });
  $("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    localStorage.setItem(KEY, $("api-key").value.trim());
    try {
      await start();
      $("signin").hidden = true;
    } catch (_) { /* showSignIn already told why */ }
  });

  if (!apiKey()) showSignIn();
  else start().catch(() => {});
  $("question").focus();
})();
