/* autosave.js — what the attempt page adds with JavaScript (the project's own code, MIT licence).

   htmx posts each change of a question (_question.html). This file:
   - says how saving works on this phone: the page's text for a phone without JavaScript is
     swapped for the autosave's, and the "Save my answers" button, needless here, is hidden;
   - moves the "answered N of M" counter after each acknowledged save (never before: the counter
     says what the server holds);
   - when a save cannot reach the server (no network, or the server or a proxy failing), marks
     the question with a warning (icon and words, not only a colour) and posts it again as soon
     as the browser is back online, and every few seconds meanwhile, so an answer chosen during a
     dropped connection is not lost;
   - keeps the page when a button is pressed offline (nothing would be sent and the page would
     be lost), and says so.
   A refused answer (4xx) is the server's word: its message is shown and it is not retried. */
(function () {
  "use strict";
  var RETRY_MS = 5000;
  var pending = new Set();
  var retryTimer = null;

  function questionOf(event) {
    var el = event.detail && event.detail.elt;
    return el && el.closest ? el.closest("fieldset.question") : null;
  }

  function statusOf(fieldset) {
    return fieldset.querySelector(".saved");
  }

  function hasAnswer(fieldset) {
    return fieldset.querySelector("input:checked") !== null;
  }

  function updateCounter() {
    var counter = document.getElementById("answered-count");
    if (!counter) { return; }
    var elsewhere = parseInt(counter.getAttribute("data-answered-elsewhere"), 10) || 0;
    var here = document.querySelectorAll('fieldset.question[data-answered="true"]').length;
    counter.textContent = counter.getAttribute("data-template").replace("__N__", String(elsewhere + here));
  }

  function markPending(fieldset, messageAttribute) {
    pending.add(fieldset);
    var status = statusOf(fieldset);
    var form = fieldset.closest("form");
    if (status && form) {
      status.classList.remove("is-saved");
      status.classList.add("is-pending");
      status.textContent = form.getAttribute(messageAttribute);
    }
    scheduleRetry();
  }

  function retryPending() {
    retryTimer = null;
    if (pending.size === 0) { return; }
    if (navigator.onLine === false) { scheduleRetry(); return; }  // or the "online" event, first
    pending.forEach(function (fieldset) { window.htmx.trigger(fieldset, "change"); });
  }

  function scheduleRetry() {
    if (retryTimer === null) { retryTimer = window.setTimeout(retryPending, RETRY_MS); }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var fieldset = questionOf(event);
    // What this request saves: whether the question has an answer once it is acknowledged.
    if (fieldset) { fieldset.setAttribute("data-sending", hasAnswer(fieldset) ? "true" : "false"); }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var fieldset = questionOf(event);
    if (fieldset) { markPending(fieldset, "data-offline-message"); }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var fieldset = questionOf(event);
    var xhr = event.detail.xhr;
    if (!fieldset || !xhr || xhr.status === 0) { return; }  // status 0: not sent (sendError)
    var status = statusOf(fieldset);
    if (xhr.status >= 500) {
      markPending(fieldset, "data-failed-message");
      return;
    }
    pending.delete(fieldset);
    if (status) { status.classList.remove("is-pending"); }
    if (xhr.status >= 200 && xhr.status < 300) {
      fieldset.setAttribute("data-answered", fieldset.getAttribute("data-sending") || "false");
      if (status) { status.classList.add("is-saved"); }
      updateCounter();
    } else if (status) {
      status.classList.remove("is-saved");  // refused: the swapped-in message says why
    }
  });

  window.addEventListener("online", function () {
    var notice = document.getElementById("offline-notice");
    if (notice) { notice.hidden = true; }
    retryPending();
  });

  function init() {
    var form = document.getElementById("attempt-form");
    if (!form || !window.htmx) { return; }  // without htmx the page stays as served: plain posts
    document.querySelectorAll("[data-without-js]").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll("[data-with-js]").forEach(function (el) { el.hidden = false; });
    form.addEventListener("submit", function (event) {
      if (navigator.onLine !== false) { return; }
      event.preventDefault();
      var notice = document.getElementById("offline-notice");
      if (notice) {
        notice.textContent = form.getAttribute("data-offline-submit-message");
        notice.hidden = false;
      }
    });
  }

  // Deferred like htmx but before it in the page: DOMContentLoaded comes after both have run.
  if (document.readyState === "complete") {
    init();
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
