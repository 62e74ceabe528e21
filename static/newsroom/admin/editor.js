/* The briefing body's writing surface: a Markdown toolbar, a live preview rendered by the
   server with the public page's renderer, and paste cleanup with heading offers.
   No dependencies; the textarea stays the form field, so nothing else changes. */
(function () {
  "use strict";
  const config = document.getElementById("writing-surface-config");
  const body = document.getElementById("id_body");
  if (!config || !body) return;
  const urls = JSON.parse(config.textContent);
  // Words from the admin's JavaScript catalog (admin:jsi18n, loaded by the change form).
  const _ = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((fmt, obj) => fmt.replace(/%\((\w+)\)s/g, (m, k) => obj[k]));
  const csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value;

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(data),
    }).then((r) => r.json().then((json) => (r.ok ? json : Promise.reject(json))));
  }

  // Layout: toolbar above, textarea and preview side by side.
  const surface = document.createElement("div");
  surface.className = "writing-surface";
  const toolbar = document.createElement("div");
  toolbar.className = "writing-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", _("Formatting"));
  const panes = document.createElement("div");
  panes.className = "writing-panes";
  const preview = document.createElement("div");
  preview.className = "writing-preview briefing-body";
  preview.id = "body-preview";
  preview.setAttribute("aria-live", "polite");
  preview.setAttribute("aria-label", _("Preview, as readers will see it"));
  const offers = document.createElement("div");
  offers.className = "heading-offers";
  offers.hidden = true;
  body.parentNode.insertBefore(surface, body);
  surface.append(toolbar, offers, panes);
  panes.append(body, preview);
  preview.innerHTML = '<p class="writing-empty"></p>';
  preview.firstChild.textContent = _("Rendering the preview…");

  function lineBounds() {
    const v = body.value;
    const start = v.lastIndexOf("\n", body.selectionStart - 1) + 1;
    let end = v.indexOf("\n", body.selectionEnd);
    if (end === -1) end = v.length;
    return [start, end];
  }
  function replaceRange(start, end, text, selectFrom, selectTo) {
    body.focus();
    body.setRangeText(text, start, end, "end");
    if (selectFrom !== undefined) body.setSelectionRange(selectFrom, selectTo);
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function wrap(before, after, placeholder) {
    const s = body.selectionStart, e = body.selectionEnd;
    const chosen = body.value.slice(s, e) || placeholder;
    replaceRange(s, e, before + chosen + after, s + before.length, s + before.length + chosen.length);
  }
  function prefixLines(prefix) {
    const [start, end] = lineBounds();
    const lines = body.value.slice(start, end).split("\n");
    const strip = (l) => l.replace(/^(#{1,6} |> |- |\d+\. )/, "");
    const numbered = prefix === "1. ";
    const out = lines.map((l, i) => (numbered ? `${i + 1}. ` : prefix) + strip(l));
    replaceRange(start, end, out.join("\n"));
  }
  const actions = {
    h2: [_("Section heading"), () => prefixLines("## ")],
    h3: [_("Subheading"), () => prefixLines("### ")],
    bold: [_("Bold"), () => wrap("**", "**", _("bold text"))],
    italic: [_("Italic"), () => wrap("*", "*", _("italic text"))],
    link: [_("Link"), () => {
      const url = window.prompt(_("Link address (https://…)"), "https://");
      if (url) wrap("[", `](${url})`, _("link text"));
    }],
    ul: [_("Bulleted list"), () => prefixLines("- ")],
    ol: [_("Numbered list"), () => prefixLines("1. ")],
    quote: [_("Quote"), () => prefixLines("> ")],
  };
  const labels = {
    h2: "H2", h3: "H3", bold: _("B"), italic: _("I"), link: _("Link"),
    ul: "• " + _("List"), ol: "1. " + _("List"), quote: "❝ " + _("Quote"),
  };
  for (const [name, [title, run]] of Object.entries(actions)) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `writing-tool tool-${name}`;
    button.dataset.tool = name;
    button.title = title;
    button.setAttribute("aria-label", title);
    button.textContent = labels[name];
    button.addEventListener("click", run);
    toolbar.append(button);
  }
  body.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey)) return;
    const key = event.key.toLowerCase();
    if (key === "b" || key === "i" || key === "k") {
      event.preventDefault();
      actions[{ b: "bold", i: "italic", k: "link" }[key]][1]();
    }
  });

  // Live preview, debounced; only the latest answer is shown.
  let timer = null, sequence = 0;
  function refresh() {
    const mine = ++sequence;
    preview.classList.add("is-updating");
    post(urls.preview, { body: body.value })
      .then((data) => {
        if (mine !== sequence) return;
        if (data.html) {
          preview.innerHTML = data.html;
        } else {
          preview.innerHTML = '<p class="writing-empty"></p>';
          preview.firstChild.textContent = _("The preview appears here as you write.");
        }
        preview.dataset.rendered = String(mine);
      })
      .catch((err) => {
        if (mine === sequence) preview.innerHTML = `<p class="errornote"></p>`, preview.firstChild.textContent = (err && err.error) || _("The preview could not be updated.");
      })
      .finally(() => preview.classList.remove("is-updating"));
  }
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  refresh();

  // Paste cleanup: the clipboard goes to the server's converter, Markdown comes back.
  body.addEventListener("paste", (event) => {
    const data = event.clipboardData;
    if (!data) return;
    const html = data.getData("text/html");
    const text = data.getData("text/plain");
    // A short plain fragment (a word, a line) pastes as it is.
    if (!html && !/\n/.test(text)) return;
    event.preventDefault();
    const s = body.selectionStart, e = body.selectionEnd;
    post(urls.paste, { html, text })
      .then((result) => {
        let markdown = result.markdown;
        const before = body.value.slice(0, s);
        if (before && !before.endsWith("\n\n")) markdown = (before.endsWith("\n") ? "\n" : "\n\n") + markdown;
        replaceRange(s, e, markdown);
        offerHeadings(result.headings || []);
      })
      .catch(() => replaceRange(s, e, text));
  });

  function offerHeadings(list) {
    offers.replaceChildren();
    const pending = list.filter((o) => lineIndex(o.line) !== -1);
    if (!pending.length) { offers.hidden = true; return; }
    const intro = document.createElement("p");
    intro.textContent = interpolate(
      ngettext(
        "%(count)s line looks like a heading. Make it a heading?",
        "%(count)s lines look like headings. Make them headings?",
        pending.length
      ),
      { count: pending.length },
      true
    );
    const all = document.createElement("button");
    all.type = "button"; all.className = "offer-accept-all"; all.textContent = _("Accept all");
    const none = document.createElement("button");
    none.type = "button"; none.className = "offer-decline-all"; none.textContent = _("Keep all as text");
    intro.append(" ", all, " ", none);
    const ul = document.createElement("ul");
    offers.append(intro, ul);
    for (const offer of pending) {
      const li = document.createElement("li");
      li.className = "heading-offer";
      const code = document.createElement("code");
      code.textContent = offer.heading;
      const yes = document.createElement("button");
      yes.type = "button"; yes.className = "offer-accept"; yes.textContent = _("Make heading");
      const no = document.createElement("button");
      no.type = "button"; no.className = "offer-decline"; no.textContent = _("Keep as text");
      yes.addEventListener("click", () => { accept(offer); done(li); });
      no.addEventListener("click", () => done(li));
      li.append(code, " ", yes, " ", no);
      ul.append(li);
    }
    all.addEventListener("click", () => { pending.forEach(accept); offers.hidden = true; });
    none.addEventListener("click", () => { offers.hidden = true; });
    offers.hidden = false;
  }
  function done(li) {
    li.remove();
    if (!offers.querySelector(".heading-offer")) offers.hidden = true;
  }
  function lineIndex(line) {
    const v = body.value;
    let at = v.indexOf(line);
    while (at !== -1) {
      const startOk = at === 0 || v[at - 1] === "\n";
      const end = at + line.length;
      if (startOk && (end === v.length || v[end] === "\n")) return at;
      at = v.indexOf(line, at + 1);
    }
    return -1;
  }
  function accept(offer) {
    const at = lineIndex(offer.line);
    if (at !== -1) replaceRange(at, at + offer.line.length, offer.heading);
  }
})();
