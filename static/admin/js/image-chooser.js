// The briefing form's image chooser: a click puts ![](image:ID) into the body at the cursor,
// on a line of its own. A separate file, so no inline script is needed.
(function () {
  "use strict";
  function insert(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "";
    var tail = after && !after.startsWith("\n") ? "\n\n" : "\n";
    textarea.value = before + lead + text + tail + after;
    var cursor = (before + lead + text).length;
    textarea.setSelectionRange(cursor, cursor);
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-image-chooser]").forEach(function (chooser) {
      var textarea = document.getElementById(chooser.dataset.target);
      if (!textarea) return;
      chooser.addEventListener("click", function (event) {
        var button = event.target.closest("[data-image-ref]");
        if (button) insert(textarea, button.dataset.imageRef);
      });
    });
  });
})();
