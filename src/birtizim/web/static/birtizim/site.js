// Behaviour that templates would otherwise write inline (the Content-Security-Policy allows no inline
// script and no on...= attribute): one listener per kind of element, found by its data attribute.
"use strict";

// <form data-confirm="Question?">: ask before sending (deleting an import, for instance).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// <button data-mark-all="present" data-form="ID">: every child of the roster marked with that value at once;
// the few who were not there are changed after, then the roster is saved (a few key presses, not a hundred).
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element ? event.target.closest("[data-mark-all]") : null;
  if (!button) {
    return;
  }
  var form = document.getElementById(button.getAttribute("data-form"));
  if (!form) {
    return;
  }
  var value = button.getAttribute("data-mark-all");
  form.querySelectorAll('input[type="radio"]').forEach(function (radio) {
    if (radio.value === value && !radio.disabled) {
      radio.checked = true;
    }
  });
});

// A box that scrolls sideways (a wide table on a phone, a card holding one) must be reachable from the
// keyboard to be scrolled: when it overflows and holds nothing focusable, it takes the focus itself and
// is named after its caption or heading. Checked on load, when the window changes size and after htmx swaps.
var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), " +
  "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
function markScrollers() {
  document.querySelectorAll("main .card, main table.data, main pre, main [data-scrolls]").forEach(function (box) {
    var style = window.getComputedStyle(box);
    var scrolls = /(auto|scroll)/.test(style.overflowX + style.overflowY) &&
      (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1);
    var own = box.getAttribute("data-scrolls") === "1";
    if (scrolls && !own && !box.querySelector(FOCUSABLE) && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scrolls", "1");
      // A table keeps its role (its caption, when it has one, names it); any other box becomes a named region.
      var title = box.querySelector("caption, h2, h3");
      if (box.tagName !== "TABLE" && title && !box.hasAttribute("aria-label")) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", title.textContent.trim());
        box.setAttribute("data-scrolls-named", "1");
      }
    } else if (!scrolls && own) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scrolls");
      if (box.hasAttribute("data-scrolls-named")) {
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scrolls-named");
      }
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollers);
window.addEventListener("resize", markScrollers);
document.addEventListener("htmx:afterSwap", markScrollers);

// A refusal with a reason (409: the page outlived its run, someone decided first) is shown where the answer
// would have gone, and so is a form sent back with what to correct (422: an outcome the validation refused);
// htmx leaves error answers out by default.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 409 || event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
