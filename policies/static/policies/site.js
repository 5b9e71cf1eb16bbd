// After a failed submit: move focus to the error summary, so keyboard and screen reader users
// hear what went wrong first; each summary link moves focus to its field.
(function () {
  "use strict";
  // Field errors: the summary. Otherwise a message about the whole form (crispy's alert).
  var summary = document.querySelector(".error-summary") ||
    document.querySelector("main form .alert-danger");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    });
  }
})();
