// The projector view: ← / → (and PageUp / PageDown, which presentation clickers send) open
// the previous / next 施策 of the agenda; the links carry the keys in data-key.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const link = [...document.querySelectorAll("a[data-key]")].find((a) =>
    a.dataset.key.split(" ").includes(event.key)
  );
  if (link) {
    event.preventDefault();
    window.location.href = link.href;
  }
});
