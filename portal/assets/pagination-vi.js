/* dash-bootstrap-components' pager spells its screen-reader labels in English ("First",
 * "Previous", "Next", "Last", "More"); the portal speaks Vietnamese everywhere. */
(function () {
  "use strict";
  var LABELS = {First: "Trang đầu", Previous: "Trang trước", Next: "Trang sau",
                Last: "Trang cuối", More: "Các trang khác"};

  function translate() {
    document.querySelectorAll(".pagination .visually-hidden").forEach(function (span) {
      var text = span.textContent.trim();
      if (LABELS[text]) { span.textContent = LABELS[text]; }
    });
  }

  new MutationObserver(translate).observe(document.documentElement,
                                          {childList: true, subtree: true, characterData: true});
  document.addEventListener("DOMContentLoaded", translate);
})();
