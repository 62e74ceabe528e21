// Topic suggestions for the comma-separated tags box: the word being typed (after the last
// comma) is looked up among public topics, accents ignored; a suggestion replaces that word.
// Arrow keys move through the list, Enter or a click takes one, Escape closes it.
"use strict";
(function () {
  const input = document.querySelector("input.topic-input[data-suggest-url]");
  if (!input) {
    return;
  }
  const list = document.createElement("ul");
  list.id = input.id + "-suggestions";
  list.className = "topic-suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.insertAdjacentElement("afterend", list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  let active = -1;
  let request = 0;

  function current() {
    const parts = input.value.split(",");
    return parts[parts.length - 1].trim();
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function take(name) {
    const kept = input.value.split(",").slice(0, -1).map((part) => part.trim()).filter(Boolean);
    kept.push(name.includes(",") ? '"' + name + '"' : name); // taggit's quoting
    input.value = kept.join(", ") + ", ";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    input.focus();
  }

  function show(names) {
    list.replaceChildren();
    const chosen = input.value.split(",").slice(0, -1).map((n) => n.trim().toLowerCase());
    names
      .filter((name) => !chosen.includes(name.toLowerCase()))
      .forEach(function (name, index) {
        const item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.textContent = name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          take(name);
        });
        list.appendChild(item);
      });
    list.hidden = list.children.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
    active = -1;
  }

  function highlight(index) {
    const items = list.children;
    if (!items.length) {
      return;
    }
    active = (index + items.length) % items.length;
    for (let i = 0; i < items.length; i++) {
      items[i].setAttribute("aria-selected", String(i === active));
    }
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  let timer = null;
  input.addEventListener("input", function (event) {
    if (!event.isTrusted) {
      return; // our own "take" event
    }
    clearTimeout(timer);
    const typed = current();
    if (typed.length < 2) {
      close();
      return;
    }
    timer = setTimeout(function () {
      const mine = ++request;
      const url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(typed);
      fetch(url, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then(function (data) {
          if (mine === request && current() === typed) {
            show(data.results);
          }
        })
        .catch(close);
    }, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault(); // take the topic; do not submit the form
      take(list.children[active].textContent);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", close);
})();
