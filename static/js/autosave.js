/* autosave.js — what the attempt page does when an autosave cannot reach the server (the
   project's own code, MIT licence). htmx posts each change; if the post fails (no network, server
   unreachable), the question says so and is posted again as soon as the browser is back online,
   so an answer chosen during a dropped connection is not lost. */
(function () {
  "use strict";
  var pending = new Set();

  function questionOf(event) {
    var el = event.detail && event.detail.elt;
    return el && el.closest ? el.closest("fieldset.question") : null;
  }

  document.addEventListener("htmx:sendError", function (event) {
    var fieldset = questionOf(event);
    if (!fieldset) { return; }
    pending.add(fieldset);
    var status = fieldset.querySelector(".saved");
    var form = fieldset.closest("form");
    if (status && form) { status.textContent = form.getAttribute("data-offline-message"); }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var fieldset = questionOf(event);
    if (fieldset && event.detail.successful) { pending.delete(fieldset); }
  });

  window.addEventListener("online", function () {
    pending.forEach(function (fieldset) { window.htmx.trigger(fieldset, "change"); });
  });
})();
