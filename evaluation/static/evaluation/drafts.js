/*
 * Nothing typed is lost: every form marked data-keep-draft keeps a draft of what is typed
 * in this browser (localStorage), keyed by the page address and the record's version.
 *
 * - Session expired while typing: the save goes to the login page; after logging in the
 *   same form opens (same version), and the draft is put back into it.
 * - The save succeeded: the next page shows a success message, so the draft is dropped;
 *   a draft of an older version of the record is dropped too (someone saved since).
 * CSP: a static file, no inline script.
 */
(function () {
  "use strict";
  var PREFIX = "draft:";
  var SUBMITTED = "draft-submitted";

  function storage(kind) {
    try {
      return window[kind];
    } catch (e) {
      return null; // storage disabled: the form works as before, without drafts
    }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");
  if (!local) {
    return;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (
        el.name &&
        el.name !== "csrfmiddlewaretoken" &&
        ["hidden", "file", "submit", "button", "password"].indexOf(el.type) === -1 &&
        !el.disabled
      );
    });
  }
  function fieldKey(el) {
    return el.type === "radio" || el.type === "checkbox" ? el.name + "=" + el.value : el.name;
  }
  function read(el) {
    if (el.type === "radio" || el.type === "checkbox") {
      return el.checked;
    }
    if (el.multiple) {
      return Array.prototype.map.call(el.selectedOptions, function (o) {
        return o.value;
      });
    }
    return el.value;
  }
  function write(el, value) {
    if (el.type === "radio" || el.type === "checkbox") {
      el.checked = !!value;
    } else if (el.multiple) {
      Array.prototype.forEach.call(el.options, function (o) {
        o.selected = value.indexOf(o.value) !== -1;
      });
    } else {
      el.value = value;
    }
  }
  function versionOf(form) {
    var version = form.elements.namedItem("version");
    return version ? version.value : "";
  }
  function notice(form, text) {
    var box = document.createElement("div");
    box.className = "alert alert-info";
    box.setAttribute("role", "status");
    box.textContent = text;
    form.parentNode.insertBefore(box, form);
  }

  // The last form sent from this tab: if the page after it says 「保存しました」, drop its draft.
  if (session) {
    var sent = session.getItem(SUBMITTED);
    session.removeItem(SUBMITTED);
    if (sent && document.querySelector(".alert-success")) {
      local.removeItem(sent);
    }
  }

  var forms = document.querySelectorAll("form[data-keep-draft]");
  Array.prototype.forEach.call(forms, function (form, index) {
    var key = PREFIX + window.location.pathname + "#" + index;
    var stored = null;
    try {
      stored = JSON.parse(local.getItem(key) || "null");
    } catch (e) {
      stored = null;
    }
    if (stored && stored.version === versionOf(form)) {
      var restored = false;
      fields(form).forEach(function (el) {
        var name = fieldKey(el);
        if (
          Object.prototype.hasOwnProperty.call(stored.values, name) &&
          JSON.stringify(read(el)) !== JSON.stringify(stored.values[name])
        ) {
          write(el, stored.values[name]);
          restored = true;
        }
      });
      if (restored) {
        notice(
          form,
          "保存されていなかった入力（" +
            new Date(stored.at).toLocaleString("ja-JP") +
            "）をフォームに戻しました。内容を確かめて保存してください。"
        );
      }
    } else if (stored) {
      local.removeItem(key); // the record was saved since: the draft is out of date
    }

    function keep() {
      var values = {};
      fields(form).forEach(function (el) {
        values[fieldKey(el)] = read(el);
      });
      try {
        local.setItem(key, JSON.stringify({ version: versionOf(form), at: Date.now(), values: values }));
      } catch (e) {
        /* storage full: nothing more to do */
      }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () {
      keep();
      if (session) {
        session.setItem(SUBMITTED, key);
      }
    });
  });
})();
