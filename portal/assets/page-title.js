// The browser tab title follows the page shown: the router puts the page's title in the
// data-title attribute of #page-title (portal/callbacks/router.py). Only <body> is watched,
// so Dash's own "Đang tải…" title in <head> does not wake this observer.
(function () {
  function sync() {
    var holder = document.getElementById("page-title");
    var title = holder && holder.getAttribute("data-title");
    if (title && document.title !== title) {
      document.title = title;
    }
  }
  function start() {
    new MutationObserver(sync).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["data-title"],
    });
    sync();
  }
  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
