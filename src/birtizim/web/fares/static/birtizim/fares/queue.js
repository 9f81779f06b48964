/* The phone's queue of entries (checks and protocols) and the cached state, in localStorage.
 *
 * Every entry gets a client id (a UUID) when it is made; the server keeps that id unique, so an
 * entry sent twice (the answer was lost with the signal) is recorded once. An entry leaves the
 * queue only when the server has answered for it: recorded (201), already had (200), or refused
 * with a reason (400/404/409, kept and shown until the inspector discards it). A refused entry's
 * personal data stay on the phone until then; a sent entry keeps only its number and time.
 */
(function (root) {
  "use strict";

  function uuid() {
    if (root.crypto && typeof root.crypto.randomUUID === "function") return root.crypto.randomUUID();
    var b = new Uint8Array(16);
    root.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function Queue(owner) {
    this.key = "birtizim.fares." + owner + ".queue";
    this.stateKey = "birtizim.fares." + owner + ".state";
  }

  Queue.prototype.all = function () {
    try { return JSON.parse(root.localStorage.getItem(this.key) || "[]"); } catch (e) { return []; }
  };
  Queue.prototype.save = function (entries) { root.localStorage.setItem(this.key, JSON.stringify(entries)); };
  Queue.prototype.add = function (kind, payload) {
    var entry = { id: uuid(), kind: kind, state: "waiting", made: new Date().toISOString(), payload: payload, error: "" };
    entry.payload.client_id = entry.id;
    var entries = this.all();
    entries.push(entry);
    this.save(entries);
    return entry;
  };
  Queue.prototype.update = function (id, change) {
    var entries = this.all();
    entries.forEach(function (e) { if (e.id === id) change(e); });
    this.save(entries);
  };
  Queue.prototype.waiting = function () { return this.all().filter(function (e) { return e.state === "waiting"; }); };
  Queue.prototype.sent = function (id, answer) {
    this.update(id, function (e) {
      e.state = "sent";
      e.answer = answer;
      // Once the server holds it, the phone keeps no personal data of it.
      e.payload = { client_id: e.payload.client_id, check: e.payload.check || "", offence_at: e.payload.offence_at || "" };
    });
  };
  Queue.prototype.refused = function (id, reason) {
    this.update(id, function (e) { e.state = "refused"; e.error = reason; });
  };
  Queue.prototype.discard = function (id) {
    this.save(this.all().filter(function (e) { return e.id !== id; }));
  };
  Queue.prototype.forget = function (olderThanDays) {
    var limit = Date.now() - olderThanDays * 86400000;
    this.save(this.all().filter(function (e) { return e.state !== "sent" || Date.parse(e.made) > limit; }));
  };
  Queue.prototype.state = function () {
    try { return JSON.parse(root.localStorage.getItem(this.stateKey) || "null"); } catch (e) { return null; }
  };
  Queue.prototype.keepState = function (state) { root.localStorage.setItem(this.stateKey, JSON.stringify(state)); };

  var PATHS = { check: "checks/", protocol: "protocols/" };

  /* Send every waiting entry once. Two calls while one is running share it: nothing goes twice. */
  function Sender(queue, base, onChange) {
    this.queue = queue;
    this.base = base;
    this.onChange = onChange;
    this.running = null;
  }

  Sender.prototype.refresh = function () {
    var self = this;
    return root.fetch(this.base + "state/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (!r.ok || r.redirected || type.indexOf("application/json") !== 0) {
          var e = new Error("signed-out"); e.signedOut = true; throw e;
        }
        return r.json();
      })
      .then(function (state) { self.queue.keepState(state); return state; });
  };

  Sender.prototype.sendOne = function (entry, token) {
    var self = this;
    return root.fetch(this.base + PATHS[entry.kind], {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
      body: JSON.stringify(entry.payload)
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        return r.json().then(function (answer) { self.queue.sent(entry.id, answer); return true; });
      }
      if ([400, 404, 409, 413].indexOf(r.status) >= 0) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          self.queue.refused(entry.id, body.error || String(r.status));
          return true;
        });
      }
      return false; // signed out (403) or a server error: keep it for the next try
    });
  };

  Sender.prototype.sync = function () {
    var self = this;
    if (this.running) return this.running;
    this.running = this.refresh().then(function (state) {
      var waiting = self.queue.waiting();
      var chain = Promise.resolve(true);
      waiting.forEach(function (entry) {
        chain = chain.then(function (goOn) { return goOn ? self.sendOne(entry, state.csrf) : false; });
      });
      return chain.then(function () { return waiting.length ? self.refresh() : state; });
    }).then(function (state) {
      self.onChange(null);
      return state;
    }, function (error) {
      self.onChange(error);
      return null;
    }).then(function (result) {
      self.running = null;
      return result;
    });
    return this.running;
  };

  root.BirtizimQueue = { Queue: Queue, Sender: Sender, uuid: uuid };
})(typeof self !== "undefined" ? self : this);
