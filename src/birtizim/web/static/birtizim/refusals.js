// A refusal with a reason (409: the page outlived its run, someone decided first) is shown where the answer
// would have gone; htmx leaves error answers out by default.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
