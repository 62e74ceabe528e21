/* Long follow lists (topics, actors, agreements) get a filter box: typing narrows the
   checkboxes, accents and case ignored. Ticked boxes always stay in view. Without JavaScript
   the whole list stays, in its scrolling box. The count's wording comes translated in the page
   (data-shown on the count). */
(() => {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  for (const input of document.querySelectorAll("[data-choice-filter]")) {
    const list = document.getElementById(input.dataset.choiceFilter);
    const tools = input.closest(".choice-tools");
    if (!list || !tools) continue;
    const count = tools.querySelector("[data-choice-count]");
    const lang = document.documentElement.lang || "en";
    const shownText = count.dataset.shown || "%(shown)s of %(total)s shown";
    const rows = [...list.querySelectorAll("input[type=checkbox]")].map((box) => ({
      box,
      row: box.closest("div"),
      text: fold(box.closest("label").textContent),
    }));
    const update = () => {
      const words = fold(input.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const { box, row, text } of rows) {
        const match = box.checked || words.every((word) => text.includes(word));
        row.hidden = !match;
        shown += match ? 1 : 0;
      }
      count.textContent = words.length
        ? shownText
            .replace("%(shown)s", shown.toLocaleString(lang))
            .replace("%(total)s", rows.length.toLocaleString(lang))
        : "";
    };
    input.addEventListener("input", update);
    tools.hidden = false;
  }
  // The follow lists are folded (<details>); choosing "Only what I choose" with all of them
  // closed opens the first, so the next step is in view.
  const chosen = document.querySelector('input[name="follow"][value="chosen"]');
  const lists = [...document.querySelectorAll("details.follow-list")];
  if (chosen && lists.length) {
    chosen.addEventListener("change", () => {
      if (chosen.checked && !lists.some((list) => list.open)) lists[0].open = true;
    });
  }
})();
