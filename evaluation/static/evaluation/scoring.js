// The scoring page: leaving for the previous/next 施策 with unsaved text asks first,
// so nothing a member typed is lost by a click on a navigation link.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("#scoring-form form");
  if (!form) return;
  let dirty = false;
  let submitting = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
