"use strict";
// Model output as Markdown: parsed by marked, then sanitised by DOMPurify before it reaches
// the page (no raw HTML, scripts, styles, forms or event handlers survive). Citation markers
// [n] in text outside code become buttons afterwards, on text nodes only.
window.renderMarkdown = (() => {
  const purifyOptions = {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "img", "iframe"],
    FORBID_ATTR: ["style", "id", "class"],
  };
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });
  return (container, text, makeCite) => {
    const html = marked.parse(text, { gfm: true, breaks: true, async: false });
    container.innerHTML = DOMPurify.sanitize(html, purifyOptions);
    // a wide table scrolls on its own; keyboard users reach it too
    container.querySelectorAll("table").forEach((table) => { table.tabIndex = 0; });
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.parentElement.closest("code, pre") && /\[\d+\]/.test(node.nodeValue)) nodes.push(node);
    }
    for (const node of nodes) {
      const parts = [];
      let last = 0;
      for (const match of node.nodeValue.matchAll(/\[(\d+)\]/g)) {
        parts.push(node.nodeValue.slice(last, match.index));
        parts.push(makeCite(Number(match[1])) || match[0]);
        last = match.index + match[0].length;
      }
      parts.push(node.nodeValue.slice(last));
      node.replaceWith(...parts);
    }
  };
})();
