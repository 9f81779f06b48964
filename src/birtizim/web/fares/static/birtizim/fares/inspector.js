/* The inspector's phone page: the team's open shift, a check in a few taps, a protocol with the IIN
 * checked as it is typed; everything saved on the phone first and sent when there is a connection. */
(function () {
  "use strict";
  var body = document.body;
  var owner = body.dataset.owner;
  var base = body.dataset.base;
  var queue = new BirtizimQueue.Queue(owner);
  var words = {};
  Array.prototype.forEach.call(document.querySelectorAll("#words dd"), function (dd) { words[dd.dataset.key] = dd.textContent; });
  var chosen = null; // the check being recorded
  var unreachable = false; // the last try to reach the server failed (the phone may say it is online)

  function $(id) { return document.getElementById(id); }
  function say(key, values) {
    var text = words[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function localNow() {
    var d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }
  function dmy(iso) { return iso ? iso.slice(8, 10) + "." + iso.slice(5, 7) + "." + iso.slice(0, 4) : ""; }
  function hm(iso) { return iso ? iso.slice(11, 16) : ""; }

  var sender = new BirtizimQueue.Sender(queue, base, function (error) {
    unreachable = Boolean(error) && !error.signedOut;
    if (error && error.signedOut) $("sync-note").textContent = say("signed_out");
    else if (error) $("sync-note").textContent = say("no_connection");
    else $("sync-note").textContent = queue.waiting().length ? "" : say("synced");
    render();
  });

  // ---- what the phone shows -------------------------------------------------------------

  function recordedHere(code) {
    return queue.all().some(function (e) { return e.kind === "check" && e.payload.check === code && e.state !== "refused"; });
  }

  function renderChecks(state) {
    var list = $("checks");
    list.textContent = "";
    var checks = [];
    (state && state.shifts || []).forEach(function (s) { checks = checks.concat(s.checks); });
    $("no-shift").hidden = checks.length > 0;
    checks.forEach(function (c) {
      var done = c.recorded || recordedHere(c.code);
      var item = el("li", { "data-code": c.code, "data-kind": c.kind, "class": "check" + (done ? " done" : "") + (chosen && chosen.code === c.code ? " chosen" : "") });
      var button = el("button", { type: "button" });
      button.appendChild(el("strong", {}, hm(c.start) + " · " + c.route_name));
      button.appendChild(el("span", { "class": "kind" }, say(c.kind) + (done ? " · " + say(c.recorded ? "recorded" : "queued") : "")));
      button.addEventListener("click", function () { choose(c); });
      item.appendChild(button);
      list.appendChild(item);
    });
    if (!chosen) {
      // Preselect the trip the inspector is about to board: the first one not yet recorded.
      var next = checks.filter(function (c) { return !c.recorded && !recordedHere(c.code); })[0];
      if (next) choose(next, true);
    }
  }

  function renderEntries() {
    var list = $("entries");
    list.textContent = "";
    var entries = queue.all();
    $("waiting").textContent = String(queue.waiting().length);
    $("waiting").dataset.count = String(queue.waiting().length);
    entries.slice().reverse().forEach(function (e) {
      var item = el("li", { "data-state": e.state, "data-kind": e.kind, "data-client-id": e.id });
      var what = e.kind === "check" ? say("check") + " " + e.payload.check : say("protocol") + (e.answer && e.answer.number ? " " + e.answer.number : "");
      item.appendChild(el("strong", {}, what));
      item.appendChild(el("span", { "class": "state" }, " · " + say(e.state === "waiting" ? "queued" : e.state)));
      if (e.error) item.appendChild(el("span", { "class": "error" }, " " + e.error));
      if (e.state === "refused") {
        var drop = el("button", { type: "button", "class": "link" }, say("discard"));
        drop.addEventListener("click", function () { queue.discard(e.id); render(); });
        item.appendChild(drop);
      }
      list.appendChild(item);
    });
  }

  function renderProtocols(state) {
    var list = $("protocols");
    list.textContent = "";
    (state && state.protocols || []).forEach(function (p) {
      var item = el("li", { "data-number": p.number });
      item.appendChild(el("strong", {}, p.number));
      item.appendChild(el("span", {}, " · " + dmy(p.offence_at) + " " + hm(p.offence_at) + " · " + p.route + " · " + (p.iin || "—") + " · " + p.fine + " " + say("tenge")));
      list.appendChild(item);
    });
  }

  function render() {
    var state = queue.state();
    renderChecks(state);
    renderEntries();
    renderProtocols(state);
    var online = navigator.onLine && !unreachable;
    $("net").dataset.online = online ? "1" : "0";
    $("net").textContent = say(online ? "online" : "offline");
  }

  // ---- a check ---------------------------------------------------------------------------

  function choose(c, quiet) {
    chosen = c;
    $("check").hidden = false;
    $("protocol").hidden = false;
    $("check-title").textContent = hm(c.start) + " · " + c.route_name + " · " + c.band;
    $("check-form").reset();
    total();
    var stops = (queue.state() || {}).stops || {};
    var select = document.querySelector("#protocol-form select[name=stop]");
    select.textContent = "";
    select.appendChild(el("option", { value: "" }, "—"));
    (stops[c.route] || []).forEach(function (s) { select.appendChild(el("option", { value: s.code }, s.name)); });
    document.querySelector("#protocol-form input[name=offence_at]").value = localNow();
    fine();
    Array.prototype.forEach.call(document.querySelectorAll("#checks li"), function (li) {
      li.classList.toggle("chosen", li.dataset.code === c.code);
    });
    if (!quiet) $("check").scrollIntoView({ behavior: "smooth" });
  }

  function count(name) { return Math.max(0, parseInt(document.querySelector("#check-form input[name=" + name + "]").value, 10) || 0); }
  function total() { $("riders").textContent = String(count("paid") + count("unpaid") + count("exempt")); }

  Array.prototype.forEach.call(document.querySelectorAll(".counter"), function (box) {
    var input = box.querySelector("input");
    box.querySelector(".plus").addEventListener("click", function () { input.value = String((parseInt(input.value, 10) || 0) + 1); total(); });
    box.querySelector(".minus").addEventListener("click", function () { input.value = String(Math.max(0, (parseInt(input.value, 10) || 0) - 1)); total(); });
    input.addEventListener("input", total);
  });

  $("check-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!chosen) return;
    var payload = { check: chosen.code, paid: count("paid"), unpaid: count("unpaid"), exempt: count("exempt") };
    payload.riders_checked = payload.paid + payload.unpaid + payload.exempt;
    queue.add("check", payload);
    render();
    sender.sync();
  });

  // ---- a protocol ------------------------------------------------------------------------

  var form = $("protocol-form");
  function field(name) { return form.querySelector("[name=" + name + "]"); }

  function iinNote() {
    var value = field("iin").value.replace(/\D/g, "");
    var note = $("iin-note");
    note.className = "note";
    if (!value) { note.textContent = ""; return null; }
    var result = BirtizimIIN.check(value);
    if (value.length < 12) { note.textContent = say("iin_length"); return result; }
    if (result.valid) {
      note.textContent = say("iin_ok", { date: dmy(result.birthDate), sex: say(result.sex) });
      note.className = "note ok";
      if (!field("birth_date").value) field("birth_date").value = result.birthDate;
    } else {
      note.textContent = say("iin_" + result.reason);
      note.className = "note error";
    }
    return result;
  }
  field("iin").addEventListener("input", iinNote);

  function fine() {
    var when = field("offence_at").value;
    var fines = (queue.state() || {}).fines || {};
    var amount = when ? fines[when.slice(0, 4)] : null;
    $("fine").textContent = amount ? amount + " " + say("tenge") : (when ? say("no_mrp") : "—");
    return amount;
  }
  field("offence_at").addEventListener("input", fine);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var error = $("protocol-error");
    error.textContent = "";
    var iin = field("iin").value.replace(/\D/g, "");
    var result = iinNote();
    if (iin && !(result && result.valid)) { error.textContent = $("iin-note").textContent; return; }
    if (!iin && !field("birth_date").value) { error.textContent = say("iin_or_birth"); return; }
    if (iin && field("birth_date").value && result.birthDate !== field("birth_date").value) { error.textContent = say("birth_mismatch"); return; }
    if (!fine()) { error.textContent = say("no_mrp"); return; }
    queue.add("protocol", {
      check: chosen ? chosen.code : "",
      route: chosen ? chosen.route : "",
      stop: field("stop").value,
      offence_at: field("offence_at").value,
      iin: iin,
      last_name: field("last_name").value.trim(),
      first_name: field("first_name").value.trim(),
      patronymic: field("patronymic").value.trim(),
      birth_date: field("birth_date").value,
      address: field("address").value.trim(),
      served: field("served").checked
    });
    form.reset();
    field("offence_at").value = localNow();
    $("iin-note").textContent = "";
    fine();
    render();
    sender.sync();
  });

  // ---- connection ------------------------------------------------------------------------

  $("send").addEventListener("click", function () { sender.sync(); });
  window.addEventListener("online", function () { render(); sender.sync(); });
  window.addEventListener("offline", render);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.worker, { scope: base }).catch(function () { /* the page still works online */ });
  }
  queue.forget(14);
  render();
  if (navigator.onLine) sender.sync();
  window.BirtizimFares = { sync: function () { return sender.sync(); }, queue: queue };
})();
