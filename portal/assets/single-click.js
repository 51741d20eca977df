/* A double click on an action button (class "action-button", portal/actions.py) is one
 * click: the second click within a second is dropped before Dash sees it. Dash's running=
 * then keeps the button disabled while the request runs, and the domain answers a repeated
 * request as the first (request tokens, idempotent services) should one still get through. */
(function () {
  "use strict";
  var WINDOW_MS = 1000;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".action-button");
    if (!button) { return; }
    var now = Date.now();
    var last = parseInt(button.dataset.clickedAt || "0", 10);
    if (now - last < WINDOW_MS) {
      event.stopImmediatePropagation();
      event.preventDefault();
      return;
    }
    button.dataset.clickedAt = String(now);
  }, true);
})();
