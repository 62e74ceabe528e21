/* Long public directories (actors, agreements) get a find box: typing narrows the rows, every
   word must match, accents and case ignored. Sections left empty, and the jump links to them,
   step aside. Without JavaScript the box stays hidden and the whole directory shows. The
   count's wording comes translated in the page (data-shown), its numbers in the page's
   language. */
(() => {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  for (const input of document.querySelectorAll("[data-directory-filter]")) {
    const directory = document.getElementById(input.dataset.directoryFilter);
    const tools = input.closest("[data-directory-tools]");
    if (!directory || !tools) continue;
    const count = tools.querySelector("[data-directory-count]");
    const empty = tools.querySelector("[data-directory-empty]");
    const rows = [...directory.querySelectorAll("li, tbody tr")].map((row) => ({
      row,
      text: fold(row.textContent),
    }));
    const sections = [...directory.querySelectorAll("section")].map((section) => ({
      section,
      rows: rows.filter(({ row }) => section.contains(row)),
      links: section.id
        ? [...document.querySelectorAll(`a[href="#${CSS.escape(section.id)}"]`)]
        : [],
    }));
    const lang = document.documentElement.lang || "en";
    const shownText = count.dataset.shown || "%(shown)s of %(total)s shown";
    const total = rows.length.toLocaleString(lang);
    const update = () => {
      const words = fold(input.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const entry of rows) {
        entry.row.hidden = !words.every((word) => entry.text.includes(word));
        shown += entry.row.hidden ? 0 : 1;
      }
      for (const { section, rows: own, links } of sections) {
        section.hidden = own.every(({ row }) => row.hidden);
        for (const link of links) (link.closest("li") || link).hidden = section.hidden;
      }
      count.textContent = words.length
        ? shownText.replace("%(shown)s", shown.toLocaleString(lang)).replace("%(total)s", total)
        : "";
      empty.hidden = !words.length || shown > 0;
    };
    input.addEventListener("input", update);
    tools.hidden = false;
    update();
  }
})();
