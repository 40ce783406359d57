/* The waiting room of a queued on-sale (issue 20, docs/waiting-room.md): join (POST /api/showtimes/{id}/queue,
   idempotent per session token), then follow the place live over Server-Sent Events (GET /api/queue/{id}/events,
   event queue:updated), polling GET /api/queue/{id} when the stream is unavailable. The API decides everything;
   this only shows its answers and calls onAdmitted(entry) once the entry is ADMITTED (entry.admissionToken). */
(function () {
  "use strict";
  var M = window.Marquee;
  var $ = function (id) { return document.getElementById(id); };

  function waitText(seconds) {
    var s = Math.max(0, Math.round(Number(seconds) || 0));
    if (s < 60) return s <= 5 ? "any moment now" : "less than a minute";
    var m = Math.round(s / 60);
    if (m < 60) return "about " + m + (m === 1 ? " minute" : " minutes");
    var h = Math.floor(m / 60), r = m % 60;
    return "about " + h + (h === 1 ? " hour" : " hours") + (r ? " " + r + " min" : "");
  }

  function localTime(iso) {
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  // opts: {showtimeId, token, onAdmitted(entry)}; returns {join(token), stop()}
  function waitingRoom(opts) {
    var entry = null, source = null, pollTimer = null, done = false, token = opts.token;
    var section = $("waiting-room");

    function say(text, kind) { M.show($("wr-message"), text, kind || "warn"); }

    function show(e) {
      entry = e;
      section.dataset.status = e.status;
      var opensAt = new Date(e.opensAt).getTime();
      var before = opensAt > Date.now();
      $("wr-opens").textContent = localTime(e.opensAt);
      if (e.status === "WAITING") {
        $("wr-state").textContent = before
          ? "You are in line. The sale opens at " + localTime(e.opensAt) +
            "; then everyone who arrived before the opening is given a random place."
          : "You are in line. Buyers are let in to choose seats in order.";
        $("wr-position").textContent = String(e.position) + (before ? " (until the opening draw)" : "");
        $("wr-wait").textContent = waitText(e.estimatedWaitSeconds);
        $("wr-figures").hidden = false;
        $("wr-rejoin").hidden = true;
        return;
      }
      $("wr-figures").hidden = true;
      stopStream();
      if (e.status === "ADMITTED") {
        if (done) return;
        done = true;
        $("wr-state").textContent = "It is your turn.";
        opts.onAdmitted(e);
        return;
      }
      if (e.status === "SOLD_OUT") {
        $("wr-state").textContent = "Sorry — this showtime has sold out.";
        say("Every seat has been sold. No one else will be let in from the waiting room.", "warn");
        offerWaitlist();
        return;
      }
      // EXPIRED: the admission window ran out, or this browser left
      $("wr-state").textContent = "Your turn in the waiting room has ended.";
      say("Your time to choose seats ran out (or you left the queue). You can join the queue again, at the back.", "warn");
      $("wr-rejoin").hidden = false;
    }

    // ---- SOLD_OUT: the showtime's waiting list (issue 21, POST /api/showtimes/{id}/waitlist); the entry joined is
    // remembered per showtime, so a reload says where it stands instead of offering the form again
    var form = $("wr-waitlist"), listKey = "marquee.waitlist." + opts.showtimeId;

    function listResult(text, kind) {
      var box = $("wl-result"), p = document.createElement("p");
      p.className = "notice " + (kind || "ok");
      p.textContent = text;
      box.replaceChildren(p);
    }

    function listJoined(w, email) {
      form.hidden = true;
      var seats = w.quantity + (w.quantity === 1 ? " seat" : " seats");
      if (w.status === "WAITING" || w.status === "OFFERED") {
        listResult("You are number " + w.position + " on the waiting list for " + seats + "." +
          (w.status === "OFFERED" ? " Seats are held for you: follow the link in your email to book them."
            : " If seats come free we hold them for you and email " + (email || "you") + " a link to book them."), "ok");
      } else {
        listResult("Your waiting-list entry is " + w.status.toLowerCase() + ".", "warn");
      }
    }

    function offerWaitlist() {
      if (!form) return;
      var known = localStorage.getItem(listKey);
      if (known) {
        M.api("GET", "/api/waitlist/" + encodeURIComponent(known)).then(function (r) { listJoined(r.data); },
          function () { localStorage.removeItem(listKey); form.hidden = false; });
        return;
      }
      form.hidden = false;
    }

    if (form) form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var name = $("wl-name").value.trim(), email = $("wl-email").value.trim();
      var quantity = parseInt($("wl-quantity").value, 10);
      if (!name || !email || !/^[^@\s]+@[^@\s]+$/.test(email) || !(quantity >= 1)) {
        listResult("Please give your name, an email address and how many seats you need (1 or more).", "error");
        (!name ? $("wl-name") : !email || !/@/.test(email) ? $("wl-email") : $("wl-quantity")).focus();
        return;
      }
      $("wl-join").disabled = true;
      listResult("Joining the waiting list…", "warn");
      M.api("POST", "/api/showtimes/" + opts.showtimeId + "/waitlist", { name: name, email: email, quantity: quantity })
        .then(function (r) {
          localStorage.setItem(listKey, r.data.waitlistId);
          listJoined(r.data, email);
        }, function (e) {
          var text = e.message || "Could not join the waiting list; please try again.";
          if (e.code === "SEATS_AVAILABLE") {
            text = "Seats for " + quantity + " have just come free, so there is no need to wait: join the queue " +
              "again to book them.";
            $("wr-rejoin").hidden = false;
          }
          listResult(text, "error");
        })
        .then(function () { $("wl-join").disabled = false; });
    });

    function stopStream() {
      if (source) { source.close(); source = null; }
      if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    }

    function poll() {
      if (pollTimer) return;
      $("wr-live").textContent = "Live updates unavailable; checking your place every few seconds.";
      pollTimer = setInterval(function () {
        M.api("GET", "/api/queue/" + entry.queueId).then(function (r) { show(r.data); }, function () {});
      }, 3000);
    }

    function follow() {
      stopStream();
      if (!window.EventSource) { poll(); return; }
      var failures = 0;
      source = new EventSource("/api/queue/" + encodeURIComponent(entry.queueId) + "/events");
      source.onopen = function () {
        failures = 0;
        if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
        $("wr-live").textContent = "Live: your place updates by itself.";
        section.dataset.live = "live";
      };
      source.addEventListener("queue:updated", function (ev) {
        try { show(JSON.parse(ev.data)); } catch (e) { /* ignore a malformed event */ }
      });
      source.onerror = function () {
        if (!source) return;  // closed on purpose (admitted, sold out, ended)
        failures += 1;
        section.dataset.live = "reconnecting";
        $("wr-live").textContent = "Reconnecting to live updates…";
        if (source.readyState === EventSource.CLOSED || failures >= 3) {
          // the stream ended (a final status) or keeps failing: read the entry, and poll while it is still waiting
          source.close(); source = null;
          M.api("GET", "/api/queue/" + entry.queueId).then(function (r) {
            show(r.data);
            if (r.data.status === "WAITING") { poll(); setTimeout(function () { if (!done && entry.status === "WAITING") follow(); }, 10000); }
          }, poll);
        }
      };
    }

    function join(newToken) {
      if (newToken) token = newToken;
      done = false;
      M.show($("wr-message"), "");
      if (form) { form.hidden = true; $("wl-result").replaceChildren(); }
      $("wr-state").textContent = "Joining the queue…";
      return M.api("POST", "/api/showtimes/" + opts.showtimeId + "/queue", { sessionToken: token })
        .then(function (r) {
          show(r.data);
          if (r.data.status === "WAITING") follow();
        }, function (e) {
          $("wr-state").textContent = "Could not join the queue.";
          say(e.message || "Please reload the page to try again.", "error");
        });
    }

    return { join: join, stop: stopStream, entry: function () { return entry; } };
  }

  window.Marquee = window.Marquee || {};
  window.Marquee.waitingRoom = waitingRoom;
})();
