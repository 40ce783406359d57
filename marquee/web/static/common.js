/* Helpers shared by every page: JSON calls to the API with its error shape, ids, and plain-words messages. */
(function () {
  "use strict";

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  // Resolves with the JSON body; rejects with {status, code, message, details} (the API's one error shape).
  function api(method, path, body, headers) {
    var init = { method: method, headers: Object.assign({ Accept: "application/json" }, headers || {}) };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (resp) {
      return resp.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (resp.ok) return { data: data, date: resp.headers.get("Date"), status: resp.status };
        var err = (data && data.error) || {};
        throw { status: resp.status, code: err.code || "HTTP_" + resp.status,
                message: err.message || resp.statusText || "request failed", details: err.details || {} };
      });
    }, function () {
      throw { status: 0, code: "NETWORK", message: "The connection to the server was lost. Please try again." };
    });
  }

  function money(amount, currency) {
    if (amount === null || amount === undefined) return "";
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "USD" }).format(amount);
    } catch (e) { return Number(amount).toFixed(2) + " " + currency; }
  }

  function show(node, text, kind) {
    node.textContent = text || "";
    node.hidden = !text;
    node.className = "notice" + (kind ? " " + kind : "");
  }

  window.Marquee = window.Marquee || {};
  window.Marquee.uuid = uuid;
  window.Marquee.api = api;
  window.Marquee.show = show;
  window.Marquee.money = money;
})();
