// Keyboard-driven translation, and drafts kept in the browser until the server has them.
// Every action is also a button, so this script is optional.
(() => {
  const units = () => [...document.querySelectorAll("#units textarea[name=target]")];
  const draftKey = (area) => `edubridge:l10n:${area.id}`;
  let advance = null; // [id of the unit saved with Ctrl+Enter, index to go to]

  const restore = () => {
    units().forEach((area) => {
      if (area.closest("article").querySelector(".saved")) {
        localStorage.removeItem(draftKey(area));
        return;
      }
      const draft = JSON.parse(localStorage.getItem(draftKey(area)) || "null");
      if (draft && draft.text !== area.value && !area.readOnly) {
        // Saved against the revision it was written on: if someone saved since, the server
        // refuses it and shows both texts, rather than the draft overwriting theirs.
        area.value = draft.text;
        area.form.elements.revision.value = draft.revision;
        area.dataset.revision = draft.revision;
        area.classList.add("restored");
        area.title = "Unsaved draft restored";
      }
    });
  };

  const focusAt = (n) => {
    const list = units();
    if (!list.length) return;
    list[Math.max(0, Math.min(n, list.length - 1))].focus();
  };

  // A suggestion used as it is counts as the memory's work in the report; any edit as ours.
  const origin = (area, value) => { area.form.elements.origin.value = value; };

  document.addEventListener("input", (event) => {
    const area = event.target;
    if (area.matches?.("#units textarea[name=target]")) {
      if (area.value !== area.dataset.suggested) origin(area, "human");
      localStorage.setItem(draftKey(area), JSON.stringify({ text: area.value, revision: area.dataset.revision }));
    }
  });

  // A suggestion's button saves it without JavaScript; with it, it fills the box to edit.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("#units button[data-text]");
    if (!button) return;
    event.preventDefault();
    const area = button.closest("article").querySelector("textarea[name=target]");
    area.value = button.dataset.text;
    area.dataset.suggested = button.dataset.text;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    origin(area, button.dataset.origin);
    area.focus();
  });

  document.addEventListener("keydown", (event) => {
    const area = event.target.closest?.("#units textarea[name=target]");
    if (!area) return;
    const index = units().indexOf(area);
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      advance = [area.closest("article").id, index + 1];
      area.form.requestSubmit();
    } else if (event.altKey && event.key === "ArrowDown") {
      event.preventDefault(); focusAt(index + 1);
    } else if (event.altKey && event.key === "ArrowUp") {
      event.preventDefault(); focusAt(index - 1);
    } else if (event.altKey && /^[0-9]$/.test(event.key)) {
      event.preventDefault();
      const article = area.closest("article");
      const button = article.querySelector(`button[data-use="${event.key}"]`);
      if (event.key === "0") {
        area.value = area.dataset.source;
        area.dispatchEvent(new Event("input", { bubbles: true }));
      } else {
        button?.click();
      }
    }
  });

  document.addEventListener("htmx:afterSettle", () => {
    restore();
    if (advance !== null) {
      const [id, next] = advance;
      if (document.getElementById(id)?.querySelector(".saved")) focusAt(next);
      advance = null;
    }
  });

  restore();
})();
