/*
 * consult chat widget, v1. One <script> tag adds it to any page:
 *   <script src="https://HOST/widget/v1/consult-widget.js" data-consult-api="https://HOST" defer></script>
 * It talks only to the consult web application. Everything it shows is set as text (textContent), never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__consultWidget) return;
  window.__consultWidget = true;

  var api = (script.getAttribute("data-consult-api") || new URL(script.src).origin).replace(/\/$/, "");
  // The title is the consultation's own (its survey definition's `title`, from /api/chat/widget) unless the host
  // page sets data-consult-title; a neutral one if the application cannot be reached.
  var title = script.getAttribute("data-consult-title") || "";
  var FALLBACK_TITLE = "Chat with the assistant";
  var storageKey = "consult-session:" + api;
  var token = null;
  var busy = false;
  var RETRIES = 3;  // while the assistant restarts: after 1, 2 and 4 seconds

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The widget lives in a shadow root, so the host page's styles cannot break it and its styles stay inside.
  var host = el("div", { id: "consult-widget" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: api + "/widget/v1/consult-widget.css" }));

  var launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false",
    "aria-controls": "consult-panel" }, title);
  var panel = el("section", { id: "consult-panel", class: "panel", "aria-label": title, hidden: "" });
  var header = el("div", { class: "header" });
  var heading = el("h2", { id: "consult-heading" }, title);
  var close = el("button", { type: "button", class: "close", "aria-label": "Close the chat" }, "×");
  var intro = el("p", { class: "intro" },
    "Answers quote the documents word for word, with sources. The assistant is neutral and never recommends a candidate.");
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var form = el("form", { class: "composer" });
  var label = el("label", { for: "consult-input", class: "visually-hidden" }, "Your message");
  var input = el("input", { id: "consult-input", type: "text", autocomplete: "off", maxlength: "2000",
    placeholder: "Type a question or answer…" });
  var send = el("button", { type: "submit", class: "send" }, "Send");
  var status = el("p", { class: "status", role: "status" });

  header.appendChild(heading);
  header.appendChild(close);
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(intro);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(panel);

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    input.focus();
    if (!log.childElementCount) converse("/greet", null, false);
  }

  function shut() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function addUserMessage(text) {
    var bubble = el("div", { class: "message user" });
    bubble.appendChild(el("span", { class: "visually-hidden" }, "You: "));
    bubble.appendChild(el("p", {}, text));
    log.appendChild(bubble);
    bubble.scrollIntoView({ block: "end" });
  }

  function addReply(reply) {
    var bubble = el("div", { class: "message bot" + (reply.kind === "emergency" ? " urgent" : "") });
    bubble.appendChild(el("span", { class: "visually-hidden" }, "Assistant: "));
    bubble.appendChild(el("p", {}, reply.text));
    if (reply.citations && reply.citations.length) {
      var sources = el("ol", { class: "sources", "aria-label": "Sources" });
      reply.citations.forEach(function (citation) {
        var item = el("li", { value: String(citation.n) });
        var link = el("a", { href: safeLink(citation.link), target: "_blank", rel: "noopener" }, citation.title);
        item.appendChild(link);
        var details = [citation.speaker, citation.published || "undated"].filter(Boolean).join(", ");
        item.appendChild(el("span", { class: "details" }, " — " + details));
        sources.appendChild(item);
      });
      bubble.appendChild(sources);
    }
    if (reply.buttons && reply.buttons.length) {
      var group = el("div", { class: "choices", role: "group", "aria-label": "Choices" });
      reply.buttons.forEach(function (choice) {
        var button = el("button", { type: "button", class: "choice" }, choice.title);
        button.addEventListener("click", function () {
          if (button.disabled) return;
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
          button.setAttribute("aria-pressed", "true");
          converse(choice.payload, choice.title, true);
        });
        group.appendChild(button);
      });
      bubble.appendChild(group);
    }
    log.appendChild(bubble);
    bubble.scrollIntoView({ block: "end" });
    return bubble;
  }

  function safeLink(link) {
    try {
      var url = new URL(link, api);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : "#";
    } catch (error) {
      return "#";
    }
  }

  function session() {
    if (token) return Promise.resolve(token);
    try { token = window.sessionStorage.getItem(storageKey); } catch (error) { token = null; }
    if (token) return Promise.resolve(token);
    return post("/api/chat/session", {}).then(function (body) {
      token = body.token;
      try { window.sessionStorage.setItem(storageKey, token); } catch (error) { /* private mode: keep in memory */ }
      return token;
    });
  }

  function post(path, body) {
    return fetch(api + path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "omit"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          var error = new Error(json.error || "The assistant could not answer.");
          error.code = json.code || String(response.status);
          throw error;
        }
        return json;
      });
    });
  }

  // What the resident sends while the assistant is still replying waits its turn: nothing typed is ever dropped, and
  // messages reach the assistant in the order they were sent.
  var queue = [];

  function converse(text, shown, fromButton) {
    if (shown !== null) addUserMessage(shown);
    queue.push({ text: text, fromButton: fromButton, id: Math.random().toString(36).slice(2) + Date.now().toString(36) });
    if (!busy) next();
  }

  function next() {
    var turn = queue.shift();
    if (!turn) {
      busy = false;
      status.textContent = "";
      return;
    }
    busy = true;
    status.textContent = "The assistant is replying…";
    deliver(turn, 0, false).then(function (body) {
      var bubbles = (body.messages || []).map(addReply);
      // After a button press the new choices get focus (so keyboard users can carry on); after typing, the text box
      // keeps it.
      var choices = turn.fromButton && bubbles.length ? bubbles[bubbles.length - 1].querySelector(".choice") : null;
      if (!queue.length) (choices || input).focus();
    }).catch(function (error) {
      // An error without a code never reached the assistant (offline, or a site not allowed to embed it): the
      // browser's own message ("Failed to fetch") would mean nothing to a resident.
      var text = error.code ? error.message : "Sorry, I can't reach the assistant just now. Please try again shortly.";
      addReply({ text: text, buttons: [], citations: [] });
    }).then(next);
  }

  // One message, retried with the same id (so the server can tell a retry from a new message) while the assistant
  // restarts, and once with a new session if the old one expired.
  function deliver(turn, attempt, renewed) {
    return session().then(function (current) {
      return post("/api/chat/message", { token: current, text: turn.text, id: turn.id });
    }).catch(function (error) {
      if (error.code === "session_expired" && !renewed) {
        token = null;
        try { window.sessionStorage.removeItem(storageKey); } catch (ignored) { /* nothing stored */ }
        return deliver(turn, attempt, true);
      }
      if (error.code === "unavailable" && attempt < RETRIES) {
        return new Promise(function (resolve) { setTimeout(resolve, 1000 * Math.pow(2, attempt)); })
          .then(function () { return deliver(turn, attempt + 1, renewed); });
      }
      throw error;
    });
  }

  launcher.addEventListener("click", open);
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") shut();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    converse(text, text, false);
  });

  function showTitle(text) {
    launcher.textContent = text;
    heading.textContent = text;
    panel.setAttribute("aria-label", text);
    launcher.hidden = false;
  }

  if (!title) {
    launcher.hidden = true;  // until the consultation's title arrives: no placeholder wording flashes up
    fetch(api + "/api/chat/widget", { credentials: "omit" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (body) {
      showTitle(body.title || FALLBACK_TITLE);
    }).catch(function () {
      showTitle(FALLBACK_TITLE);
    });
  }

  (document.body || document.documentElement).appendChild(host);
})();
