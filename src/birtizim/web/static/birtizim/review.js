// The review page by keyboard: 1, 2, 3 pick that candidate; 0 none of them; U unsure; J and K next and
// previous row. Keys typed into the comment are text, not choices.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT")) return;
  var key = event.key.toLowerCase();
  if (key === "arrowright") key = "j";
  if (key === "arrowleft") key = "k";
  var found = document.querySelector('[data-key="' + key + '"]');
  if (!found) return;
  event.preventDefault();
  found.click();
});
