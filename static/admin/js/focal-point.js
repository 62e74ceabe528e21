// Focal point picker on the image change form: click (or Enter on) the preview to set
// focal_x / focal_y, which crops keep in view. A separate file, so no inline script is needed.
(function () {
  "use strict";
  const _ = window.gettext || String; // the admin's JavaScript catalog (admin:jsi18n)
  function init(picker) {
    var img = picker.querySelector("img");
    var mark = picker.querySelector(".focal-mark");
    var x = document.getElementById("id_focal_x");
    var y = document.getElementById("id_focal_y");
    if (!img || !mark || !x || !y) return;
    function show() {
      mark.hidden = false;
      mark.style.left = (parseFloat(x.value) || 0) * 100 + "%";
      mark.style.top = (parseFloat(y.value) || 0) * 100 + "%";
    }
    function round(v) { return Math.round(Math.min(Math.max(v, 0), 1) * 100) / 100; }
    picker.tabIndex = 0;
    picker.setAttribute("role", "button");
    picker.setAttribute("aria-label", _("Set the focal point: click the part of the image to keep in crops"));
    picker.addEventListener("click", function (event) {
      var box = img.getBoundingClientRect();
      x.value = round((event.clientX - box.left) / box.width);
      y.value = round((event.clientY - box.top) / box.height);
      x.dispatchEvent(new Event("change", { bubbles: true }));
      show();
    });
    x.addEventListener("input", show);
    y.addEventListener("input", show);
    show();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-focal-picker]").forEach(init);
  });
})();
