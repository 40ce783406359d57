/* Door scanner (/checkin, issue 19; docs/checkin.md). An operator whose role may check in (DOOR, MANAGER, OWNER)
   picks a cinema, a showtime and names the door, then scans: the camera (the browser's BarcodeDetector where it
   has one, the vendored jsQR otherwise), a photo of the QR code, or the code typed in. Online, every scan is
   POST /api/checkin/scan and the database decides. The showtime's manifest (GET .../manifest: public keys,
   tickets, scans so far) is kept, so when the network drops the page decides itself: it verifies the code's
   Ed25519 signature with the manifest's keys (WebCrypto), looks the ticket up, and keeps the scan in
   localStorage; POST /api/checkin/sync uploads the kept scans when the network is back (first scan wins; the
   duplicates and conflicts the server reports are listed). */
(function () {
  "use strict";
  var M = window.Marquee;
  var $ = function (id) { return document.getElementById(id); };
  var QUEUE_KEY = "marquee.checkin.queue", DEVICE_KEY = "marquee.checkin.device", LAST_KEY = "marquee.checkin.last";
  var me = null, manifest = null, keys = {}, tickets = {}, scans = {}, door = "", online = navigator.onLine !== false;
  var lastAdmitted = null, syncing = false, busy = false, waiting = null, recent = {}, stream = null, detector = null;

  var deviceId = localStorage.getItem(DEVICE_KEY);
  if (!deviceId) { deviceId = "web-" + M.uuid().replace(/-/g, "").slice(0, 12); localStorage.setItem(DEVICE_KEY, deviceId); }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }
  function say(text, kind) { M.show($("checkin-message"), text, kind || "error"); }
  function toLogin() { location.assign("/admin/login?next=" + encodeURIComponent(location.pathname)); }
  function clock(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
  }
  function seatText(t) { return t ? "Row " + t.rowLabel + ", seat " + t.seatNumber : ""; }
  function queue() { try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; } }
  function saveQueue(q) { localStorage.setItem(QUEUE_KEY, JSON.stringify(q)); showPending(); }

  // ---- the network state the page shows (and which way a scan goes)
  function setOnline(on) {
    online = on;
    var net = $("net");
    net.dataset.state = on ? "online" : "offline";
    net.textContent = on ? "Online" : "Offline: codes are checked on this device and the scans kept for upload";
    if (on) sync();
  }
  window.addEventListener("online", function () { setOnline(true); refreshManifest(); });
  window.addEventListener("offline", function () { setOnline(false); });

  function showPending() {
    var n = queue().length, p = $("pending");
    p.dataset.count = String(n);
    p.textContent = n ? n + " offline scan" + (n === 1 ? "" : "s") + " waiting to upload" : "";
  }
  function showCounts() {
    if (!manifest) return;
    var live = Object.keys(tickets).filter(function (id) { return tickets[id].status !== "VOID"; }).length;
    var inside = Object.keys(scans).filter(function (id) { return tickets[id]; }).length;
    $("counts").textContent = inside + " of " + live + " tickets checked in";
  }

  // ---- the result, big: a word, the seat, the why
  var WORDS = { ADMITTED: "ADMITTED", TICKET_ALREADY_USED: "ALREADY USED", TICKET_VOID: "VOID",
                TICKET_WRONG_SHOWTIME: "WRONG SHOWTIME", TICKET_TOO_EARLY: "TOO EARLY", TICKET_INVALID: "INVALID" };
  function result(code, seat, detail, offline) {
    var box = $("result");
    box.dataset.result = code;
    box.dataset.offline = offline ? "yes" : "no";
    box.className = "result " + (code === "ADMITTED" ? "result-ok" : "result-bad");
    $("result-word").textContent = (WORDS[code] || code.replace(/_/g, " ")) + (offline ? " (offline)" : "");
    $("result-seat").textContent = seat || "";
    $("result-detail").textContent = detail || "";
    $("undo").hidden = code !== "ADMITTED";
  }

  // ---- ticket codes (marquee/checkin/codes.py): base64url(0x01 | len | keyId | ticketId(16) | signature(64))
  function unb64url(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function uuidOf(bytes) {
    var h = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function parse(code) {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(code)) return null;
    var raw;
    try { raw = unb64url(code); } catch (e) { return null; }
    if (raw.length < 2 || raw[0] !== 1) return null;
    var n = raw[1];
    if (raw.length !== 2 + n + 16 + 64) return null;
    var keyId = String.fromCharCode.apply(null, raw.slice(2, 2 + n));
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(keyId)) return null;
    var tid = raw.slice(2 + n, 18 + n);
    var message = new Uint8Array(17 + n + 16);
    message.set(new TextEncoder().encode("marquee-ticket:1:" + keyId), 0);
    message.set(tid, 17 + n);
    return { keyId: keyId, ticketId: uuidOf(tid), signature: raw.slice(18 + n), message: message };
  }
  function importKeys(list) {
    keys = {};
    if (!(window.crypto && crypto.subtle)) return Promise.resolve();
    return Promise.all((list || []).map(function (k) {
      return crypto.subtle.importKey("raw", unb64url(k.publicKey), { name: "Ed25519" }, false, ["verify"])
        .then(function (key) { keys[k.keyId] = key; }, function () { /* this browser has no Ed25519 */ });
    }));
  }

  // ---- offline: the page decides with the manifest, as booking.check_in would
  function decideOffline(code) {
    var p = parse(code);
    if (!p) return Promise.resolve(result("TICKET_INVALID", "", "Not a ticket code (malformed).", true));
    var key = keys[p.keyId];
    if (!key) {
      return Promise.resolve(result("TICKET_INVALID", "", Object.keys(keys).length ? "Signed by an unknown key." :
        "This browser cannot check signatures offline (no Ed25519): reconnect to scan.", true));
    }
    return crypto.subtle.verify({ name: "Ed25519" }, key, p.signature, p.message).then(function (ok) {
      if (!ok) return result("TICKET_INVALID", "", "Bad signature: not a genuine ticket.", true);
      var t = tickets[p.ticketId];
      if (!t) {
        return result("TICKET_WRONG_SHOWTIME", "", "This ticket is not on the list of " + manifest.movie + " at " +
          clock(manifest.startsAt) + " (another showtime, or sold after the list was loaded).", true);
      }
      if (t.status === "VOID") return result("TICKET_VOID", seatText(t), "This ticket was cancelled or exchanged.", true);
      var first = scans[p.ticketId];
      if (first) {
        return result("TICKET_ALREADY_USED", seatText(t), "First scanned " + clock(first.scannedAt) +
          (first.door ? " at door " + first.door : ""), true);
      }
      if (manifest.opensAt && Date.now() < new Date(manifest.opensAt).getTime()) {
        return result("TICKET_TOO_EARLY", seatText(t), "Check-in opens at " + clock(manifest.opensAt) + ".", true);
      }
      var scan = { ticketId: p.ticketId, scannedAt: new Date().toISOString(), door: door || null, deviceId: deviceId };
      var q = queue();
      q.push(scan);
      saveQueue(q);
      scans[p.ticketId] = { scannedAt: scan.scannedAt, door: scan.door, offline: true };
      lastAdmitted = { ticketId: p.ticketId, offline: true };
      showCounts();
      return result("ADMITTED", seatText(t), "Kept on this device; uploaded when the network is back.", true);
    });
  }

  // ---- one scan: online through the API, offline (or when the network fails) here
  function scan(code) {
    code = (code || "").trim();
    if (!code || !manifest) return Promise.resolve();
    // a code scanned while the previous one is still being decided is decided next, never dropped (a door
    // scanner reads the next ticket as soon as it is shown); only the latest one waits
    if (busy) { waiting = code; return Promise.resolve(); }
    busy = true;
    $("result").setAttribute("aria-busy", "true");
    var local = parse(code), t = local && tickets[local.ticketId];
    var step = !online ? decideOffline(code) :
      M.api("POST", "/api/checkin/scan", { code: code, showtimeId: manifest.showtimeId, door: door || null, deviceId: deviceId })
        .then(function (r) {
          var d = r.data;
          scans[d.ticketId] = { scannedAt: d.scannedAt, door: d.door };
          lastAdmitted = { ticketId: d.ticketId, offline: false };
          showCounts();
          result("ADMITTED", seatText(d), d.movie + " · " + clock(d.startsAt), false);
        }, function (e) {
          if (e.status === 0) { setOnline(false); return decideOffline(code); }
          if (e.status === 401) { toLogin(); return; }
          var d = e.details || {};
          var seat = seatText(t) || (d.seatId ? "Seat " + d.seatId : "");
          if (e.code === "TICKET_ALREADY_USED") {
            if (d.ticketId) scans[d.ticketId] = { scannedAt: d.firstScannedAt, door: d.door };
            result(e.code, seat, "First scanned " + clock(d.firstScannedAt) + (d.door ? " at door " + d.door : ""), false);
          } else if (e.code === "TICKET_WRONG_SHOWTIME") {
            result(e.code, seat, "This ticket is for " + (d.movie || "another film") + " at " + clock(d.startsAt) + ".", false);
          } else if (e.code === "TICKET_TOO_EARLY") {
            result(e.code, seat, "Check-in opens at " + clock(d.opensAt) + ".", false);
          } else if (e.code === "TICKET_VOID" || e.code === "TICKET_INVALID") {
            result(e.code, seat, e.message.charAt(0).toUpperCase() + e.message.slice(1) + ".", false);
          } else if (e.code === "VALIDATION_ERROR") {
            result("TICKET_INVALID", "", "Not a ticket code: " + e.message + ".", false);
          } else {
            result(e.code || "ERROR", seat, e.status === 403 ? "Your role or cinemas do not allow this: " + e.message : e.message, false);
          }
        });
    function done() {
      busy = false;
      $("result").removeAttribute("aria-busy");
      if (waiting) { var next = waiting; waiting = null; scan(next); }
    }
    return step.then(done, function (err) {
      result("ERROR", "", String((err && err.message) || err), !online);
      done();
    });
  }

  $("code-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = $("code"), code = input.value;
    // cleared only if it still holds what was sent: the next code may already be typed (or scanned) into it
    scan(code).then(function () { if (input.value === code) input.value = ""; input.focus(); });
  });
  $("undo").addEventListener("click", function () {
    if (!lastAdmitted) return;
    var id = lastAdmitted.ticketId, t = tickets[id];
    if (lastAdmitted.offline) {
      var q = queue().filter(function (s) { return s.ticketId !== id; });
      saveQueue(q);
      delete scans[id];
      lastAdmitted = null; showCounts();
      result("UNDONE", seatText(t), "The offline admission was removed from this device.", true);
      return;
    }
    M.api("POST", "/api/checkin/undo", { ticketId: id }).then(function () {
      delete scans[id];
      lastAdmitted = null; showCounts();
      result("UNDONE", seatText(t), "The admission was reversed (recorded in the audit log).", false);
    }, function (e) { say(e.message); });
  });

  // ---- QR decoding: BarcodeDetector where the browser has it, jsQR (vendored) otherwise
  function makeDetector() {
    if (detector) return Promise.resolve(detector);
    var native = "BarcodeDetector" in window ? window.BarcodeDetector.getSupportedFormats().then(function (f) {
      return f.indexOf("qr_code") >= 0 ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    }, function () { return null; }) : Promise.resolve(null);
    return native.then(function (bd) {
      var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d", { willReadFrequently: true });
      detector = bd ? { name: "BarcodeDetector", read: function (source) {
        return bd.detect(source).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      } } : { name: "jsQR", read: function (source) {
        var w = source.videoWidth || source.width, h = source.videoHeight || source.height;
        var scale = Math.min(1, 1024 / Math.max(w, h, 1));
        canvas.width = Math.max(1, Math.round(w * scale)); canvas.height = Math.max(1, Math.round(h * scale));
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
        var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(img.data, img.width, img.height, { inversionAttempts: "attemptBoth" });
        return Promise.resolve(found ? found.data : null);
      } };
      $("decoder").textContent = "QR decoder: " + detector.name + ".";
      return detector;
    });
  }
  function fresh(code) {  // the camera sees the same code many times a second: one scan per code per 3 s
    var now = Date.now();
    if (recent[code] && now - recent[code] < 3000) return false;
    recent[code] = now;
    return true;
  }

  $("photo").addEventListener("change", function (ev) {
    var file = ev.target.files && ev.target.files[0];
    if (!file) return;
    Promise.all([makeDetector(), createImageBitmap(file)]).then(function (x) {
      return x[0].read(x[1]);
    }).then(function (code) {
      ev.target.value = "";
      if (!code) { result("TICKET_INVALID", "", "No QR code found in that picture.", !online); return; }
      return scan(code);
    }, function () { ev.target.value = ""; result("TICKET_INVALID", "", "That file is not a picture.", !online); });
  });

  $("camera").addEventListener("click", function () {
    var video = $("video"), btn = $("camera");
    if (stream) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null; video.hidden = true; btn.textContent = "Start camera";
      return;
    }
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) { say("This browser has no camera access: type the codes."); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false; btn.textContent = "Stop camera";
      return video.play().then(makeDetector).then(function (d) {
        (function frame() {
          if (!stream) return;
          var go = video.readyState >= 2 && !busy ? d.read(video) : Promise.resolve(null);
          go.then(function (code) { if (code && fresh(code)) return scan(code); }, function () { /* a frame it could not read */ })
            .then(function () { setTimeout(frame, 150); });
        })();
      });
    }).catch(function (e) { say("The camera could not be started (" + (e && e.name || e) + "): type the codes instead."); });
  });

  // ---- the manifest: loaded when scanning starts, refreshed while online (new tickets, other doors' scans)
  function applyManifest(m) {
    manifest = m;
    tickets = {};
    (m.tickets || []).forEach(function (t) { tickets[t.ticketId] = t; });
    var kept = {};
    Object.keys(scans).forEach(function (id) { if (scans[id].offline) kept[id] = scans[id]; });
    scans = kept;
    (m.scans || []).forEach(function (s) { scans[s.ticketId] = { scannedAt: s.scannedAt, door: s.door }; });
    queue().forEach(function (s) { if (!scans[s.ticketId]) scans[s.ticketId] = { scannedAt: s.scannedAt, door: s.door, offline: true }; });
    $("s-title").textContent = m.movie + " · " + clock(m.startsAt) + " · " + m.cinema + ", " + m.auditorium +
      (door ? " · door " + door : "");
    showCounts();
    return importKeys(m.keys);
  }
  function loadManifest(id) {
    return M.api("GET", "/api/checkin/showtimes/" + id + "/manifest").then(function (r) {
      try { localStorage.setItem("marquee.checkin.manifest." + id, JSON.stringify(r.data)); } catch (e) { /* full */ }
      return applyManifest(r.data);
    });
  }
  function refreshManifest() {  // also the probe that finds the network back when the browser does not say so
    if (!manifest) return;
    loadManifest(manifest.showtimeId).then(function () { if (!online) setOnline(true); }, function (e) {
      if (e.status === 0) setOnline(false);
      else if (e.status === 401) toLogin();
    });
  }
  setInterval(function () { if (online) refreshManifest(); }, 30000);

  // ---- upload the kept scans (POST /api/checkin/sync) and say what the server made of them
  function sync() {
    var q = queue();
    if (syncing || !q.length) return Promise.resolve();
    syncing = true;
    return M.api("POST", "/api/checkin/sync", q).then(function (r) {
      var d = r.data, sent = {};
      q.forEach(function (s) { sent[s.ticketId + "|" + s.scannedAt] = true; });
      saveQueue(queue().filter(function (s) { return !sent[s.ticketId + "|" + s.scannedAt]; }));
      Object.keys(scans).forEach(function (id) { if (scans[id].offline) delete scans[id].offline; });
      M.show($("sync-result"), "Uploaded " + q.length + " offline scan" + (q.length === 1 ? "" : "s") + ": " +
        d.admitted + " admitted, " + d.duplicates + " duplicate" + (d.duplicates === 1 ? "" : "s") + ", " +
        d.conflicts + " conflict" + (d.conflicts === 1 ? "" : "s") + ", " + d.invalid + " invalid.",
        d.duplicates || d.conflicts || d.invalid ? "warn" : "ok");
      var list = $("sync-problems");
      (d.results || []).forEach(function (x) {
        if (x.result === "ADMITTED") return;
        var seat = seatText(tickets[x.ticketId]) || "Ticket " + x.ticketId;
        var li = el("li", "sync-" + x.result.toLowerCase());
        li.dataset.result = x.result;
        li.dataset.ticketId = x.ticketId;
        li.textContent = x.result === "DUPLICATE" ? seat + ": duplicate, first scanned " + clock(x.firstScannedAt) +
            (x.firstDoor ? " at door " + x.firstDoor : "") + (x.firstDeviceId ? " (" + x.firstDeviceId + ")" : "") :
          x.result === "CONFLICT" ? seat + ": let in offline at " + clock(x.scannedAt) + " but the ticket was voided " +
            clock(x.voidedAt) + ": tell the manager" :
          seat + ": not a ticket the server knows (" + (x.reason || x.result) + ")";
        list.appendChild(li);
      });
      showCounts();
      refreshManifest();
    }, function (e) {
      if (e.status === 0) setOnline(false);
      else if (e.status === 401) say("Log in again to upload the offline scans (they are kept on this device).");
      else say("The offline scans could not be uploaded: " + e.message + " (they are kept on this device).");
    }).then(function () { syncing = false; });
  }
  setInterval(function () { if (!online) refreshManifest(); else sync(); }, 5000);

  // ---- choose a showtime of one of my cinemas: cinema -> date -> showtime
  var showtimesAsked = 0;
  function loadShowtimes() {
    var cinema = $("c-cinema").value, date = $("c-date").value, asked = ++showtimesAsked;
    var q = "?cinema=" + encodeURIComponent(cinema) + (date ? "&date=" + date : "");
    return M.api("GET", "/api/movies/now-showing" + q).then(function (r) {
      return Promise.all(r.data.map(function (m) {
        return M.api("GET", "/api/showtimes/movie/" + m.id + q).then(function (s) {
          return s.data.map(function (st) { return { st: st, title: m.title }; });
        });
      }));
    }).then(function (lists) {
      if (asked !== showtimesAsked) return;  // an answer to an earlier choice of cinema or date
      var all = [].concat.apply([], lists).sort(function (a, b) { return a.st.startsAt < b.st.startsAt ? -1 : 1; });
      var sel = $("c-show"), chosen = sel.value;
      sel.replaceChildren.apply(sel, all.map(function (x) {
        var o = el("option", null, x.st.startsAt.slice(11, 16) + " " + x.title + " — " + x.st.auditorium);
        o.value = x.st.id;
        return o;
      }));
      if (!all.length) { var none = el("option", null, "No showtimes that day"); none.value = ""; sel.appendChild(none); }
      var last = JSON.parse(localStorage.getItem(LAST_KEY) || "{}");
      var keep = chosen || last.showtimeId;
      if (keep && all.some(function (x) { return x.st.id === keep; })) sel.value = keep;
    }).catch(function (e) { if (e.status === 401) toLogin(); else say(e.message); });
  }
  $("c-cinema").addEventListener("change", loadShowtimes);
  $("c-date").addEventListener("change", loadShowtimes);
  $("pick-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var id = $("c-show").value;
    if (!id) { say("Pick a showtime first."); return; }
    door = $("c-door").value.trim();
    localStorage.setItem(LAST_KEY, JSON.stringify({ cinemaId: $("c-cinema").value, showtimeId: id, door: door }));
    M.show($("checkin-message"), "");
    loadManifest(id).then(function () {
      $("scanner").hidden = false;
      result("", "", "");
      $("result-word").textContent = "Ready";
      $("result-seat").textContent = "Scan a ticket or type its code.";
      $("result").className = "result";
      $("code").focus();
      sync();
    }, function (e) {
      if (e.status === 401) toLogin();
      else say(e.status === 403 ? "Your role or cinemas do not allow check-in here: " + e.message : e.message);
    });
  });

  $("logout").addEventListener("click", function () {
    M.api("POST", "/api/auth/logout").then(function () { location.assign("/admin/login?next=/checkin"); }, function (e) { say(e.message); });
  });

  showPending();
  if (!online) setOnline(false);
  M.api("GET", "/api/auth/me").then(function (r) {
    me = r.data;
    var who = me.operator ? me.operator.name + " <" + me.operator.email + ">" : "API key " + (me.apiKey || {}).name;
    $("who-text").textContent = "Signed in as " + who + " — " + me.role.replace("_", " ").toLowerCase() + ".";
    $("logout").hidden = false;
    if (me.permissions.indexOf("checkin") < 0) { say("Your role cannot check tickets in (it needs DOOR, MANAGER or OWNER)."); return; }
    $("pick").hidden = false;
    var last = JSON.parse(localStorage.getItem(LAST_KEY) || "{}");
    var sel = $("c-cinema");
    sel.replaceChildren.apply(sel, me.cinemas.map(function (c) {
      var o = el("option", null, c.name + " (" + c.city + ")");
      o.value = c.id;
      return o;
    }));
    if (last.cinemaId && me.cinemas.some(function (c) { return c.id === last.cinemaId; })) sel.value = last.cinemaId;
    if (last.door) $("c-door").value = last.door;
    if (me.cinemas.length) loadShowtimes();
    sync();
  }, function (e) { if (e.status === 401) toLogin(); else say(e.message); });
})();
