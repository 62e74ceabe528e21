// Autosave: the change form's unsaved text is kept on the desk's server, 2 s after typing
// stops, every 15 s while edits keep coming, and when the page is hidden or closed. A kept
// autosave is offered back on return; restoring it puts back the version it started from,
// so a save still meets the version check. Needs guard.js (window.deskGuard), loaded first.
"use strict";
(function () {
  const box = document.getElementById("autosave");
  const guard = window.deskGuard;
  if (!box || !guard) {
    return;
  }
  const form = guard.form;
  // Words from the admin's JavaScript catalog (admin:jsi18n, loaded by the change form).
  const _ = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((fmt, obj) => fmt.replace(/%\((\w+)\)s/g, (m, k) => obj[k]));
  const url = box.dataset.url;
  const names = box.dataset.fields.split(" ");
  const status = box.querySelector(".autosave-status");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function field(name) {
    return form.elements.namedItem(name);
  }

  function values() {
    const result = {};
    for (const name of names) {
      const input = field(name);
      if (input && "value" in input) {
        result[name] = input.value;
      }
    }
    return result;
  }

  function body(extra) {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    const base = field("base_version");
    if (base && base.value) {
      data.append("base_version", base.value);
    }
    for (const [name, value] of Object.entries(extra)) {
      data.append(name, value);
    }
    return data;
  }

  let sent = JSON.stringify(values());

  function keep(onLeave) {
    if (!guard.isDirty()) {
      return;
    }
    const now = values();
    const serial = JSON.stringify(now);
    if (serial === sent) {
      return;
    }
    if (onLeave) {
      navigator.sendBeacon(url, body(now));
      sent = serial;
      return;
    }
    fetch(url, { method: "POST", body: body(now), credentials: "same-origin" })
      .then(function (response) {
        const json = (response.headers.get("content-type") || "").includes("json");
        return json ? response.json().then((data) => ({ ok: response.ok, data })) : { ok: false };
      })
      .then(function ({ ok, data }) {
        if (ok && data.label) {
          sent = serial;
          status.textContent = interpolate(
            _("Unsaved changes kept on the desk at %(time)s."), { time: data.label }, true
          );
        } else if (data && data.error) {
          status.textContent = data.error + " " + _("Save the form to keep it.");
        } else if (!ok) {
          status.textContent = _(
            "Could not keep a copy on the desk (logged out?): keep this page open and save."
          );
        }
      })
      .catch(function () {
        status.textContent = _("Offline: your text is only in this page until you save.");
      });
  }

  let timer = null;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(keep, 2000);
  });
  setInterval(keep, 15000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      keep(true);
    }
  });
  window.addEventListener("pagehide", function () {
    keep(true);
  });

  const keptNode = document.getElementById("autosave-kept");
  const prompt = box.querySelector(".autosave-prompt");
  if (!keptNode || !prompt) {
    return;
  }
  const kept = JSON.parse(keptNode.textContent);
  const current = values();
  const differs = Object.keys(kept.data).some(
    (name) => name in current && current[name] !== kept.data[name]
  );

  // A select shows only the options it was drawn with (an autocomplete, the one chosen): a kept
  // choice it lacks is added, under the label the server gave it, before it is selected.
  function offer(input, value, label) {
    if (input.tagName !== "SELECT" || !value) {
      return;
    }
    if (![...input.options].some((option) => option.value === value)) {
      input.add(new Option(label || value, value));
    }
  }

  function discard() {
    fetch(url, { method: "POST", body: body({ discard: "1" }), credentials: "same-origin" });
    prompt.hidden = true;
  }

  if (!differs) {
    discard();
    return;
  }
  prompt.hidden = false;
  prompt.querySelector(".autosave-restore").addEventListener("click", function () {
    for (const [name, value] of Object.entries(kept.data)) {
      const input = field(name);
      if (input && "value" in input) {
        offer(input, value, (kept.labels || {})[name]);
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    const base = field("base_version");
    if (base && kept.base_version) {
      base.value = kept.base_version;
    }
    prompt.hidden = true;
    status.textContent = interpolate(
      _("Restored the text kept at %(time)s. Review it, then save."), { time: kept.label }, true
    );
  });
  prompt.querySelector(".autosave-discard").addEventListener("click", function () {
    discard();
    status.textContent = _("Discarded the kept text.");
  });
})();
