/* Ended sessions and failed callbacks. Dash talks to the server with fetch(): when a
 * callback answers 401 the session has ended (expired, signed out elsewhere, account
 * locked), so the page goes to the login form, which says why, instead of leaving clicks
 * that silently do nothing. Other refusals show the server's Vietnamese message. */
(function () {
  "use strict";
  var DASH_PATHS = ["/_dash-update-component", "/_dash-layout", "/_dash-dependencies"];
  var original = window.fetch;
  if (!original) { return; }
  var leaving = false;

  function isDash(url) {
    return DASH_PATHS.some(function (path) { return url.indexOf(path) !== -1; });
  }

  function showMessage(message) {
    var box = document.getElementById("portal-error-alert");
    if (!box) {
      box = document.createElement("div");
      box.id = "portal-error-alert";
      box.setAttribute("role", "alert");
      box.className = "alert alert-danger alert-dismissible shadow portal-error-alert";
      document.body.appendChild(box);
    }
    box.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", "Đóng");
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(close);
    window.clearTimeout(box.portalTimer);
    box.portalTimer = window.setTimeout(function () { box.remove(); }, 12000);
  }

  window.fetch = function (input) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    var promise = original.apply(this, arguments);
    if (!isDash(url)) { return promise; }
    return promise.then(function (response) {
      if (response.status === 401) {
        if (!leaving) {
          leaving = true;
          var next = window.location.pathname + window.location.search;
          window.location.assign("/login?het-han=1&next=" + encodeURIComponent(next));
        }
        // The page is leaving: Dash never sees this answer, so it neither reports an
        // error nor reads the body while the browser navigates away.
        return new Promise(function () {});
      }
      if (response.status >= 400) {
        response.clone().json().then(function (body) {
          if (body && body.error) { showMessage(body.error); }
        }).catch(function () {
          showMessage("Có lỗi khi xử lý yêu cầu. Vui lòng tải lại trang và thử lại.");
        });
      }
      return response;
    });
  };
})();
