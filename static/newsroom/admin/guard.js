// The change form's unsaved-change guard: leaving the page with edits not saved asks first.
// Saving (any submit of the form, a workflow move included) is never held up. The form's
// state is compared with what it held on load, so undoing an edit makes the page clean again.
// Other scripts (autosave.js) read `window.deskGuard.isDirty()` and call `markClean()`.
"use strict";
(function () {
  const form = document.querySelector("#content-main form[id$=_form][method=post]");
  if (!form) {
    return;
  }
  let submitting = false;

  function state() {
    const pairs = [];
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") {
        pairs.push(name + "=" + value);
      }
    }
    return pairs.join("&");
  }

  let clean = state();
  window.deskGuard = {
    form: form,
    isDirty: function () {
      return !submitting && state() !== clean;
    },
    markClean: function () {
      clean = state();
    },
  };

  form.addEventListener("submit", function () {
    submitting = true;
  });
  // A submit that the browser stops (a required field) leaves the guard on again.
  form.addEventListener("invalid", function () {
    submitting = false;
  }, true);
  window.addEventListener("pageshow", function () {
    submitting = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (window.deskGuard.isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
