/* Links marked data-history-back go back one page in the browser's history (keeping
 * what that page held), and fall back to their href when there is no history. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("a[data-history-back]"), function (a) {
    a.addEventListener("click", function (event) {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  });
})();
