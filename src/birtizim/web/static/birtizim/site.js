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

// A refusal with a reason (409: the page outlived its run, someone decided first) is shown where the answer
// would have gone; htmx leaves error answers out by default.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
