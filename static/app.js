/* csapp — the little script the pages need; no inline handlers anywhere (the CSP forbids them).
 *
 * data-confirm="…"    on a form or a submit button: ask before a plain (non-htmx) submit
 * data-autosubmit     on a select: submit its form when it changes
 * data-navigate       on a select whose option values are URLs: go there when it changes
 * htmx errors         a 5xx or a network failure says so in #flash; nothing was saved
 * focus after a swap  the first invalid field of the swapped content, if any; else, in a panel marked
 *                     [data-focus-first] (QA, incidents), its first field — never lost to <body>
 */
(function () {
  "use strict";

  function flash(message) {
    var region = document.getElementById("flash");
    if (!region) { window.alert(message); return; }
    var p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    region.replaceChildren(p);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLSelectElement)) { return; }
    if ("autosubmit" in field.dataset && field.form) {
      field.form.requestSubmit();
    } else if ("navigate" in field.dataset && field.value) {
      window.location.assign(field.value);
    }
  });

  document.addEventListener("htmx:responseError", function () {
    flash("保存失败,请重试(未保存)。");
  });
  document.addEventListener("htmx:sendError", function () {
    flash("保存失败,请重试(未保存):无法连接服务器。");
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    // a save that went through clears the message of an earlier refused one
    var region = document.getElementById("flash");
    var detail = event.detail;
    if (region && detail.xhr.status < 400 && detail.requestConfig && detail.requestConfig.verb === "post") {
      region.querySelectorAll("p.error").forEach(function (p) { p.remove(); });
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target.querySelector) { return; }
    var invalid = target.querySelector("[aria-invalid='true']");
    if (invalid) { invalid.focus(); return; }
    var panel = target.matches("[data-focus-first]") ? target : target.querySelector("[data-focus-first]");
    var field = panel && panel.querySelector("input:not([type=hidden]):not([readonly]), select, textarea");
    if (field) { field.focus(); }
  });
}());
