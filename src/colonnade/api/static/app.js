"use strict";
// Colonnade web chat: streams answers from POST /v1/answers (server-sent events over fetch),
// shows citations as buttons that open the source passage, keeps and switches conversations.
(() => {
  const $ = (id) => document.getElementById(id);
  const KEY = "colonnade.apiKey";
  const state = { conversationId: null, busy: false, citations: new Map() };

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
  }

  async function api(path, options = {}) {
    const headers = { Authorization: `Bearer ${apiKey()}`, ...(options.headers || {}) };
    if (options.body && !(options.body instanceof FormData)) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { ...options, headers });
    if (response.status === 401) {
      showSignIn("Your sign-in was not accepted or has expired.");
      throw new Error("unauthorized");
    }
    if (!response.ok) {
      let detail = `${response.status} ${response.statusText}`;
      try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
      throw new Error(detail);
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

  function where(c) {
    const parts = [];
    if (c.heading_path && c.heading_path.length) parts.push(c.heading_path.join(" › "));
    if (c.page) parts.push(`page ${c.page}`);
    return parts.join(" · ");
  }

  // answer text with [n] markers as buttons (text nodes only: never innerHTML of model output)
  function renderAnswer(container, text, citations) {
    container.replaceChildren();
    const byNumber = new Map(citations.map((c) => [c.number, c]));
    let last = 0;
    for (const match of text.matchAll(/\[(\d+)\]/g)) {
      container.append(text.slice(last, match.index));
      const citation = byNumber.get(Number(match[1]));
      container.append(citation
        ? el("button", { class: "cite", type: "button", title: citation.title, "data-cite": match[1],
            onclick: (e) => openSource(citation, e.currentTarget) }, match[1])
        : match[0]);
      last = match.index + match[0].length;
    }
    container.append(text.slice(last));
  }

  function renderSources(list, citations) {
    list.replaceChildren(...citations.map((c) => el("li", {},
      el("button", { type: "button", title: `${c.title} ${where(c)}`, onclick: (e) => openSource(c, e.currentTarget) },
        `[${c.number}] ${c.title}${c.heading_path.length > 1 ? ` › ${c.heading_path[c.heading_path.length - 1]}` : ""}${c.page ? `, p.${c.page}` : ""}`))));
  }

  function openSource(c, button) {
    document.querySelectorAll(".cite.active").forEach((b) => b.classList.remove("active"));
    if (button && button.classList.contains("cite")) button.classList.add("active");
    $("source-number").textContent = `[${c.number}]`;
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
    $("source-panel").hidden = false;
    quote.querySelector("mark")?.scrollIntoView({ block: "center" });
  }

  function addUser(text) {
    $("welcome").hidden = true;
    const node = el("div", { class: "msg user" }, text);
    $("messages").append(node);
    return node;
  }

  function addAssistant() {
    const text = el("div", { class: "text" });
    const sources = el("ul", { class: "sources" });
    const meta = el("div", { class: "meta" });
    const node = el("div", { class: "msg assistant pending" }, text, sources, meta);
    $("messages").append(node);
    return { node, text, sources, meta };
  }

  function finish(view, answer) {
    view.node.classList.remove("pending");
    renderAnswer(view.text, answer.answer, answer.citations);
    renderSources(view.sources, answer.citations);
    const bits = [answer.generator + (answer.model ? ` (${answer.model})` : "")];
    if (answer.intent === "documents") bits.push(`confidence ${Number(answer.confidence).toFixed(2)}`);
    if (answer.timings_ms && answer.timings_ms.total_ms !== undefined) bits.push(`${Math.round(answer.timings_ms.total_ms)} ms`);
    view.meta.textContent = bits.join(" · ");
    for (const warning of answer.warnings || []) view.node.append(el("div", { class: "warning" }, `⚠ ${warning}`));
  }

  function fail(view, message) {
    view.node.classList.remove("pending");
    view.node.classList.add("failed");
    view.text.textContent = message;
  }

  const scrollDown = () => { $("messages").scrollTop = $("messages").scrollHeight; };

  // --- conversations
  async function loadConversations() {
    const list = await (await api("/v1/conversations")).json();
    $("no-conversations").hidden = list.length > 0;
    $("conversations").replaceChildren(...list.map((c) => el("li",
      { class: c.id === state.conversationId ? "active" : "", "data-id": c.id },
      el("button", { class: "open", type: "button", title: c.title, onclick: () => openConversation(c.id) }, c.title || "Untitled"),
      el("button", { class: "delete", type: "button", title: "Delete conversation", "aria-label": `Delete ${c.title}`,
        onclick: () => deleteConversation(c.id, c.title) }, "×"))));
  }

  function resetChat(title) {
    $("messages").replaceChildren($("welcome"));
    $("welcome").hidden = false;
    $("source-panel").hidden = true;
    $("conversation-title").textContent = title;
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
        answer: turn.answer, citations: turn.citations, generator: turn.generator,
        model: turn.metadata.model, intent: turn.metadata.intent || "documents",
        confidence: turn.metadata.confidence || 0, warnings: turn.metadata.warnings || [],
      });
    }
    scrollDown();
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
    $("question").focus();
  }

  // --- asking: read the event stream as it arrives
  async function ask(question) {
    state.busy = true;
    $("send").disabled = true;
    addUser(question);
    const view = addAssistant();
    scrollDown();
    let streamed = "";
    try {
      const response = await api("/v1/answers", {
        method: "POST",
        body: JSON.stringify({ question, conversation_id: state.conversationId, stream: true }),
        headers: { Accept: "text/event-stream" },
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
            if (first) $("conversation-title").textContent = question.slice(0, 80);
          } else if (event === "delta") {
            streamed += data.text;
            view.text.textContent = streamed;
            scrollDown();
          } else if (event === "done") {
            finish(view, data);
            done = true;
          } else if (event === "error") {
            fail(view, `The answer could not be completed: ${data.detail}`);
            done = true;
          }
        }
      }
      if (!done) fail(view, "The connection closed before the answer was complete.");
    } catch (error) {
      if (error.message !== "unauthorized") fail(view, error.message);
      else fail(view, "Sign in to ask questions.");
    } finally {
      state.busy = false;
      $("send").disabled = false;
      scrollDown();
      loadConversations().catch(() => {});
    }
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
  document.querySelectorAll(".suggestion").forEach((b) =>
    b.addEventListener("click", () => { $("question").value = b.textContent; $("composer").requestSubmit(); }));
  $("new-conversation").addEventListener("click", newConversation);
  $("close-source").addEventListener("click", () => { $("source-panel").hidden = true; });
  $("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    localStorage.setItem(KEY, $("api-key").value.trim());
    try {
      await loadConversations();
      $("signin").hidden = true;
    } catch (_) { /* showSignIn already told why */ }
  });

  if (!apiKey()) showSignIn();
  else loadConversations().catch(() => {});
  $("question").focus();
})();
