/* Long public directories (actors, agreements) get a find box: typing narrows the rows, every
   word must match, accents and case ignored. Sections left empty, and the jump links to them,
   step aside. Without JavaScript the box stays hidden and the whole directory shows. */
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
    const total = rows.length.toLocaleString("en-GB");
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
        ? `${shown.toLocaleString("en-GB")} of ${total} shown`
        : "";
      empty.hidden = !words.length || shown > 0;
    };
    input.addEventListener("input", update);
    tools.hidden = false;
    update();
  }
})();
