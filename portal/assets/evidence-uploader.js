/* Evidence uploader: several files at once, one streamed request per file, a progress bar
 * per file, Vietnamese errors, remove before submit, camera capture on phones.
 * The uploaded ids go to the Dash store "claim-staged" through dash_clientside.set_props.
 * Files never travel through a Dash callback (no base64). */
(function () {
  "use strict";
  var ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.docx,.xlsx,.doc,.xls";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  function sizeLabel(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1).replace(".", ",") + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function setup(root) {
    if (root.dataset.ready) { return; }
    root.dataset.ready = "1";
    var taskId = root.dataset.taskId;
    var maxBytes = parseInt(root.dataset.maxMb || "50", 10) * 1048576;
    var items = [];

    var kind = el("select", {"class": "form-select form-select-sm", "id": "evidence-kind",
                             "aria-label": "Loại minh chứng"});
    // The kinds and their labels come from workflow/labels.py through data-kinds.
    JSON.parse(root.dataset.kinds || "[]").forEach(function (k) {
      kind.appendChild(el("option", {value: k.value, text: k.label}));
    });
    var docDate = el("input", {type: "text", "class": "form-control form-control-sm",
                               id: "evidence-date", inputmode: "numeric",
                               placeholder: "Ngày (dd/mm/yyyy)",
                               "aria-label": "Ngày của văn bản/ảnh",
                               title: "Ngày của văn bản hoặc ngày chụp ảnh (nếu biết)"});
    var picker = el("input", {type: "file", multiple: "multiple", accept: ACCEPT,
                              "class": "visually-hidden", id: "evidence-file-input"});
    var camera = el("input", {type: "file", accept: "image/*", capture: "environment",
                              "class": "visually-hidden", id: "evidence-camera-input"});
    var pick = el("label", {"for": "evidence-file-input", "class": "btn btn-outline-primary btn-sm",
                            text: "Chọn file…"});
    var snap = el("label", {"for": "evidence-camera-input",
                            "class": "btn btn-outline-secondary btn-sm", text: "Chụp ảnh"});
    var list = el("ul", {"class": "list-group evidence-list mt-2"});
    var hint = el("div", {"class": "form-text",
                          text: "Chọn loại và ngày của văn bản/ảnh (nếu biết; ảnh có EXIF sẽ tự lấy ngày chụp), " +
                                "rồi chọn file. PDF, ảnh (JPG, PNG, WebP, HEIC), Word, Excel; " +
                                "tối đa " + root.dataset.maxMb + " MB mỗi file."});
    root.appendChild(el("div", {"class": "d-flex flex-wrap gap-2 align-items-center"},
                        [el("div", {"style": "min-width: 14rem"}, [kind]),
                         el("div", {"style": "max-width: 11rem"}, [docDate]), pick, snap,
                         picker, camera]));
    root.appendChild(hint);
    root.appendChild(list);

    var draftKey = "claim-" + taskId + ":files";
    var drafts = window.portalDrafts;

    function publish() {
      var done = items.filter(function (i) { return i.id; });
      var ids = done.map(function (i) { return i.id; });
      var busy = items.some(function (i) { return i.state === "uploading"; });
      if (window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props("claim-staged", {data: {ids: ids, busy: busy}});
      }
      // Staged files are stored on the server already: keep their ids so that a reload
      // shows them again (cleared when the claim is sent, see drafts.js).
      if (drafts) {
        drafts.write(draftKey, done.length ? done.map(function (i) {
          return {id: i.id, label: i.label};
        }) : null);
      }
    }

    /* Three states: uploading (a progress bar), stored (green), refused (no bar: a clear
     * "Không nhận file này: …" with the reason, so it never reads as a broken upload). */
    function render(item) {
      var bar = item.node.querySelector(".progress-bar");
      var progress = item.node.querySelector(".progress");
      var status = item.node.querySelector(".evidence-status");
      var refused = item.state === "error";
      progress.hidden = refused;
      bar.style.width = item.progress + "%";
      bar.setAttribute("aria-valuenow", String(item.progress));
      bar.className = "progress-bar" + (item.state === "done" ? " bg-success" : "");
      item.node.className = "list-group-item evidence-item evidence-" + item.state +
                            (refused ? " list-group-item-danger" : "");
      status.textContent = refused ? "Không nhận file này: " + item.message : item.message;
      status.className = "evidence-status small " + (refused ? "text-danger fw-semibold" :
                                                     item.state === "done" ? "text-success" :
                                                     "text-muted");
      status.setAttribute("role", refused ? "alert" : "status");
    }

    function addRow(item, name) {
      var remove = el("button", {type: "button", "class": "btn btn-link btn-sm text-danger p-0 evidence-remove",
                                 text: "Bỏ file"});
      item.node = el("li", {"class": "list-group-item evidence-item"}, [
        el("div", {"class": "d-flex justify-content-between align-items-start gap-2"}, [
          el("span", {"class": "evidence-name text-break", text: name}), remove]),
        el("div", {"class": "progress mt-1", role: "progressbar", "aria-valuemin": "0",
                   "aria-valuemax": "100", "aria-label": "Tiến độ tải lên"},
           [el("div", {"class": "progress-bar"})]),
        el("div", {"class": "evidence-status small text-muted"})]);
      list.appendChild(item.node);
      items.push(item);
      remove.addEventListener("click", function () {
        if (item.xhr && item.state === "uploading") { item.xhr.abort(); }
        items.splice(items.indexOf(item), 1);
        list.removeChild(item.node);
        publish();
      });
    }

    /* "dd/mm/yyyy" → "yyyy-mm-dd"; "" when empty; null when not a real date. */
    function isoDate(text) {
      var value = (text || "").trim();
      if (!value) { return ""; }
      var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
      if (!m) { return null; }
      var d = new Date(Date.UTC(+m[3], +m[2] - 1, +m[1]));
      if (d.getUTCDate() !== +m[1] || d.getUTCMonth() !== +m[2] - 1) { return null; }
      return m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
    }

    function upload(file) {
      var label = file.name + " · " + sizeLabel(file.size) + " · " +
                  kind.options[kind.selectedIndex].text;
      var item = {file: file, id: null, state: "uploading", progress: 0, label: label,
                  message: "Đang tải lên…"};
      addRow(item, label);
      var when = isoDate(docDate.value);
      if (when === null) {
        item.state = "error"; item.message = "Ngày của văn bản/ảnh phải có dạng dd/mm/yyyy.";
        render(item); return;
      }
      if (file.size === 0) {
        item.state = "error"; item.message = "Tệp rỗng, không có nội dung."; render(item); return;
      }
      if (file.size > maxBytes) {
        item.state = "error";
        item.message = "Tệp vượt quá dung lượng cho phép (tối đa " + root.dataset.maxMb + " MB).";
        render(item); return;
      }
      var xhr = new XMLHttpRequest();
      item.xhr = xhr;
      xhr.open("POST", "/api/nhiem-vu/" + taskId + "/minh-chung?ten=" +
               encodeURIComponent(file.name) + "&loai=" + encodeURIComponent(kind.value) +
               (when ? "&ngay=" + encodeURIComponent(when) : ""));
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { item.progress = Math.round(100 * e.loaded / e.total); render(item); }
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
        if (xhr.status === 201) {
          item.id = body.id; item.state = "done"; item.progress = 100;
          item.message = "Đã tải lên.";
        } else {
          item.state = "error";
          item.message = body.error || "Không tải lên được tệp (mã lỗi " + xhr.status + ").";
        }
        render(item); publish();
      });
      xhr.addEventListener("error", function () {
        item.state = "error"; item.message = "Mất kết nối khi tải lên. Vui lòng thử lại.";
        render(item); publish();
      });
      xhr.send(file);
      render(item); publish();
    }

    function onPick(e) {
      Array.prototype.forEach.call(e.target.files || [], upload);
      e.target.value = "";
    }
    picker.addEventListener("change", onPick);
    camera.addEventListener("change", onPick);

    // Files staged before a reload are shown again, stored.
    ((drafts && drafts.read(draftKey)) || []).forEach(function (saved) {
      var item = {id: saved.id, state: "done", progress: 100, label: saved.label,
                  message: "Đã tải lên (khôi phục sau khi tải lại trang)."};
      addRow(item, saved.label);
      render(item);
    });
    if (items.length) { window.setTimeout(publish, 0); }
  }

  function scan() { document.querySelectorAll(".evidence-uploader").forEach(setup); }
  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", scan);
})();
