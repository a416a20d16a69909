/* countdown.js — the attempt page's countdown (the project's own code, MIT licence).
   The server renders the seconds left; counting from that number, not from the deadline,
   keeps a wrong clock on the phone from shortening or lengthening the attempt. At zero the
   page's form is posted with action=timeout, which saves the page and submits the attempt.
   Without JavaScript the page still shows the deadline as text. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    return (h > 0 ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
  }

  function submitOnTimeout(form) {
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "timeout";
    form.appendChild(action);
    // A form submitted by a script skips the buttons' own name/value, so ours is the only action.
    form.submit();
  }

  function start(el) {
    var left = parseInt(el.getAttribute("data-seconds-left"), 10);
    var form = document.getElementById(el.getAttribute("data-form"));
    var clock = el.querySelector(".countdown-clock");
    if (isNaN(left) || !form || !clock) { return; }
    var endsAt = Date.now() + left * 1000;
    var done = false;
    clock.hidden = false;

    function tick() {
      var remaining = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      clock.textContent = format(remaining);
      if (remaining <= 60) { el.classList.add("countdown-ending"); }
      if (remaining === 0 && !done) {
        done = true;
        submitOnTimeout(form);
        return;
      }
      // Re-reading the clock twice a second keeps the display right after the phone sleeps.
      window.setTimeout(tick, 500);
    }
    tick();
  }

  function init() {
    var el = document.getElementById("countdown");
    if (el) { start(el); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
