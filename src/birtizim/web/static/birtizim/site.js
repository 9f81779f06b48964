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
