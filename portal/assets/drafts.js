/* Drafts survive a reload: what is typed into a form marked data-draft="<key>" is kept in
 * this browser (localStorage "draft:<key>") until the form is sent, and put back when the
 * form is drawn again empty. The server says a draft was sent by drawing an element with
 * data-draft-clear="<key>" (portal/layouts/task_actions.py). The evidence uploader keeps
 * the files it staged under "draft:<key>:files" the same way (evidence-uploader.js). */
(function () {
  "use strict";
  var PREFIX = "draft:";
  var SETTERS = {
    TEXTAREA: Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set,
    INPUT: Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set,
    SELECT: Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set
  };

  function read(key) {
    try { return JSON.parse(window.localStorage.getItem(PREFIX + key) || "null"); }
    catch (err) { return null; }
  }

  function write(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(PREFIX + key); }
      else { window.localStorage.setItem(PREFIX + key, JSON.stringify(value)); }
    } catch (err) { /* private mode or full storage: drafts are a convenience */ }
  }

  function fields(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("textarea[id], input[id], select[id]"),
      function (el) { return el.type !== "file" && el.type !== "hidden" && !el.closest(".evidence-uploader"); });
  }

  function save(form) {
    var values = {};
    var any = false;
    fields(form).forEach(function (el) {
      values[el.id] = el.value;
      if (el.value && el.tagName !== "SELECT") { any = true; }
    });
    write(form.dataset.draft, any ? values : null);
  }

  function restore(form) {
    if (form.dataset.draftReady) { return; }
    form.dataset.draftReady = "1";
    var saved = read(form.dataset.draft);
    if (!saved) { return; }
    var restored = false;
    fields(form).forEach(function (el) {
      if (!(el.id in saved) || el.value === saved[el.id]) { return; }
      if (el.tagName !== "SELECT" && el.value) { return; }  // never overwrite real input
      SETTERS[el.tagName].call(el, saved[el.id]);
      el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", {bubbles: true}));
      restored = true;
    });
    if (restored) { form.classList.add("draft-restored"); }
  }

  function scan() {
    document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
      if (el.dataset.draftCleared) { return; }
      el.dataset.draftCleared = "1";
      write(el.dataset.draftClear, null);
      write(el.dataset.draftClear + ":files", null);
    });
    document.querySelectorAll("[data-draft]").forEach(function (form) {
      // React may still be filling the form in: restore once it has settled.
      window.setTimeout(function () { restore(form); }, 0);
    });
  }

  function onEdit(event) {
    var target = event.target;
    var form = target.closest && target.closest("[data-draft]");
    // Typing saves on "input"; a select saves on "change". A text field's "change" also
    // fires when the form is taken away after sending, which must not save it again.
    if (!form || !event.isTrusted || !form.isConnected) { return; }
    if (event.type === "change" && target.tagName !== "SELECT") { return; }
    save(form);
    // The user is fixing what was refused: the refusal has done its job.
    if (document.querySelector("#action-flash .action-refusal") &&
        window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("action-flash", {children: null});
    }
  }

  document.addEventListener("input", onEdit, true);
  document.addEventListener("change", onEdit, true);
  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", scan);
  window.portalDrafts = {read: read, write: write};
})();
