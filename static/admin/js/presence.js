// Tells the desk this briefing is open here, and shows who else has it open.
// A ping every 20 seconds; the server forgets a reader 45 seconds after their last one.
"use strict";
(function () {
  const box = document.getElementById("presence");
  const form = document.querySelector("#content-main form[method=post]");
  if (!box || !form) {
    return;
  }
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const names = box.querySelector(".presence-names");

  async function ping() {
    try {
      const response = await fetch(box.dataset.url, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        credentials: "same-origin",
      });
      if (!response.ok) {
        return;
      }
      const data = await response.json();
      names.textContent = data.others.join(", ");
      box.hidden = data.others.length === 0;
    } catch (error) {
      // Offline for a moment: the next ping catches up.
    }
  }

  ping();
  setInterval(ping, 20000);
})();
