// Keyboard review of a crosswalk; every action is also a button or link, so this is optional.
(() => {
  let current = 0;
  const candidates = () => [...document.querySelectorAll("#review [data-candidate]")];
  const focus = (n) => {
    const list = candidates();
    if (!list.length) return;
    current = Math.max(0, Math.min(n, list.length - 1));
    list.forEach((el, i) => el.classList.toggle("current", i === current));
    list[current].focus();
  };
  document.addEventListener("htmx:afterSwap", () => focus(0));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select")) return;
    const key = event.key;
    if (key === "/") { document.getElementById("find")?.focus(); event.preventDefault(); return; }
    if (/^[1-9]$/.test(key)) { focus(Number(key) - 1); return; }
    if ("aer".includes(key)) {
      const list = candidates();
      list[current]?.querySelector(`button[data-key="${key}"]`)?.click();
      return;
    }
    if ("np".includes(key)) document.querySelector(`#review a[data-key="${key}"]`)?.click();
  });
  focus(0);
})();
