/* The booking page: pick seats on the live map (each pick holds them), see the countdown, price with a promo
   code, enter details and pay with a test card. Every rule is the API's; this only shows its answers. */
(function () {
  "use strict";
  var M = window.Marquee;
  var root = document.getElementById("booking");
  if (!root) return;
  var info = JSON.parse(root.dataset.info);
  var showtimeId = root.dataset.showtime;
  var currency = info.currency;
  var $ = function (id) { return document.getElementById(id); };

  // One token per browser: the API shows this browser's holds as SELECTED and everyone else's as LOCKED.
  var token = localStorage.getItem("marquee.sessionToken");
  if (!token) { token = M.uuid(); localStorage.setItem("marquee.sessionToken", token); }
  var holdKey = "marquee.hold." + showtimeId;

  var state = {
    hold: JSON.parse(localStorage.getItem(holdKey) || "null"), // {holdId, expiresAt}
    skewMs: 0,            // server clock minus ours, from the Date header
    booking: null,        // after confirm: {bookingId, paymentIntentId, bookingReference, paymentDeadline}
    busy: false,
    promo: null
  };

  var map = new M.SeatMap($("seatmap"), { currency: currency, onSeat: onSeat });
  map.legend($("legend"), info.prices, currency);
  // companion seats and sales-channel allocations change rarely: fetched once, drawn on every repaint
  M.api("GET", "/api/showtimes/" + showtimeId + "/seat-features")
    .then(function (r) { map.setFeatures(r.data); })
    .catch(function () { /* the map works without them; holds still enforce the rules */ });

  function say(text, kind) { M.show($("message"), text, kind || "error"); }

  function saveHold(hold) {
    state.hold = hold;
    if (hold) localStorage.setItem(holdKey, JSON.stringify(hold)); else localStorage.removeItem(holdKey);
  }

  function noteClock(dateHeader) {
    var server = Date.parse(dateHeader || "");
    if (!isNaN(server)) {
      var skew = server - Date.now();
      // The Date header has 1 s resolution: only trust it for real clock differences.
      state.skewMs = Math.abs(skew) > 2000 ? skew : 0;
    }
  }

  var fetching = null, again = false;
  function refresh() {
    if (fetching) { again = true; return fetching; }
    fetching = M.api("GET", "/api/showtimes/" + showtimeId + "/seats", undefined, { "X-Session-Token": token })
      .then(function (r) { map.render(r.data); syncMine(); })
      .catch(function (e) { say("Could not load the seat map: " + e.message); })
      .then(function () {
        fetching = null;
        if (again) { again = false; refresh(); }
      });
    return fetching;
  }
  var refreshTimer = null;
  function refreshSoon() { clearTimeout(refreshTimer); refreshTimer = setTimeout(refresh, 80); }

  function mine() { return map.ids("SELECTED"); }

  // The map is the truth for which seats are mine; the panel follows it.
  function syncMine() {
    var ids = mine();
    if (!ids.length && state.hold && !state.booking && !state.busy) {
      // Our seats left the map without us releasing them: the hold ran out (the expiry event can beat our timer).
      saveHold(null);
      expiredMessage();
    }
    if (ids.length && !state.hold && !state.busy) {
      // Seats held in an earlier visit of this browser: pick the hold up again (same seats, same hold).
      hold(ids);
      return;
    }
    drawPanel();
  }

  function drawPanel() {
    var ids = state.booking ? (state.booking.seats || []) : mine();
    var list = $("chosen");
    list.replaceChildren();
    ids.forEach(function (id) {
      var s = map.seat(id);
      var li = M.el("li");
      li.appendChild(M.el("span", null, map.describe(id) + (s ? " · " + s.type.toLowerCase() : "")));
      li.appendChild(M.el("span", "price", s && s.price != null ? M.money(s.price, currency) : ""));
      list.appendChild(li);
    });
    var any = ids.length > 0;
    $("empty").hidden = any;
    $("promo-form").hidden = !any || !!state.booking;
    $("pay-form").hidden = !any;
    $("totals").hidden = !any;
    $("countdown").hidden = !any;
    if (any && !state.booking) price();
    tick();
  }

  function price() {
    if (!state.hold) return;
    var body = { holdId: state.hold.holdId, sessionToken: token };
    if (state.promo) body.promoCode = state.promo;
    M.api("POST", "/api/pricing/calculate", body).then(function (r) {
      $("subtotal").textContent = M.money(r.data.subtotal, r.data.currency || currency);
      $("discount").textContent = (Number(r.data.discount) > 0 ? "− " : "") + M.money(r.data.discount, r.data.currency || currency);
      $("total").textContent = M.money(r.data.finalAmount, r.data.currency || currency);
    }).catch(function (e) {
      if (state.promo && e.status !== 410) {
        say(promoMessage(e), "warn");
        state.promo = null;
        $("promo").value = "";
        price();
      } else handleHoldError(e);
    });
  }

  function promoMessage(e) {
    if (/PROMO/.test(e.code)) return "That promo code cannot be used for this booking: " + e.message + ".";
    return e.message;
  }

  function expiredMessage() {
    say("Your hold expired, so the seats went back on sale. The map is up to date — please choose your seats again.", "warn");
  }

  function handleHoldError(e) {
    if (e.code === "HOLD_EXPIRED" || e.code === "HOLD_NOT_ACTIVE" || e.code === "HOLD_NOT_FOUND") {
      saveHold(null);
      expiredMessage();
      refresh();
      return;
    }
    if (e.code === "SEAT_UNAVAILABLE") {
      var names = (e.details.seatIds || []).map(function (id) { return map.describe(id); });
      say("Sorry — " + (names.length ? names.join(" and ") : "a seat you picked") +
          (names.length > 1 ? " were" : " was") + " just taken by someone else. " +
          "The map has been refreshed; please choose another seat.");
      refresh();
      return;
    }
    if (e.code === "TOO_MANY_SEATS") { say("You can hold at most " + (e.details.max || info.maxSeatsPerHold) + " seats at a time."); return; }
    if (e.code === "RATE_LIMITED") { say("Too many requests — please wait a moment and try again."); return; }
    if (e.code === "SHOWTIME_NOT_ON_SALE") { say("This showtime is no longer on sale."); refresh(); return; }
    say(e.message || "Something went wrong. Please try again.");
    refresh();
  }

  // Picks made while a hold request is in flight are queued in `want` and sent next, so quick clicks are kept.
  var want = null;

  function hold(ids) {
    state.busy = true;
    var req = ids.length
      ? M.api("POST", "/api/bookings/hold", { showtimeId: showtimeId, seatIds: ids, sessionToken: token })
        .then(function (r) { noteClock(r.date); saveHold({ holdId: r.data.holdId, expiresAt: r.data.expiresAt }); })
      : M.api("DELETE", "/api/bookings/hold/" + state.hold.holdId, undefined, { "X-Session-Token": token })
        .then(function () { saveHold(null); });
    return req.then(function () { M.show($("message"), ""); }, function (e) { want = null; handleHoldError(e); })
      .then(function () {
        state.busy = false;
        if (want) return send();
        return refresh();
      });
  }

  function send() {
    if (state.busy || !want) return;
    var ids = want;
    want = null;
    if (!ids.length && !state.hold) { refresh(); return; }
    hold(ids);
  }

  function onSeat(id, seat) {
    if (state.booking) { say("Your booking is waiting for payment; these seats can no longer be changed."); return; }
    var name = map.describe(id);
    if (seat.status === "LOCKED") {
      say(name + " is being held by another customer right now. It may come free in a few minutes — please choose another seat.", "warn");
      return;
    }
    if (seat.status === "BOOKED") { say(name + " is already sold. Please choose another seat.", "warn"); return; }
    if (seat.status === "BLOCKED") { say(name + " is not for sale for this show. Please choose another seat.", "warn"); return; }
    var ids = mine();
    if (seat.status === "SELECTED") ids = ids.filter(function (x) { return x !== id; });
    else {
      if (ids.length >= info.maxSeatsPerHold) { say("You can hold at most " + info.maxSeatsPerHold + " seats at a time."); return; }
      ids.push(id);
    }
    // Shown at once; the map refetched after the hold is the final word (a lost race repaints it).
    map.setStatus([id], seat.status === "SELECTED" ? "AVAILABLE" : "SELECTED");
    want = ids;
    send();
  }

  // ---- countdown
  function fmt(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }
  function tick() {
    var c = $("countdown");
    var deadline = state.booking ? state.booking.paymentDeadline : state.hold && state.hold.expiresAt;
    if (!deadline || c.hidden) return;
    var left = new Date(deadline).getTime() - (Date.now() + state.skewMs);
    if (left <= 0) {
      if (state.booking) {
        c.textContent = "Time to pay has run out.";
        say("The time to pay ran out, so the seats went back on sale. Please start again.", "warn");
        state.booking = null; $("pay").disabled = false;
      } else {
        saveHold(null);
        expiredMessage();
      }
      refresh();
      return;
    }
    c.textContent = (state.booking ? "Complete payment within " : "Seats held for you for ") + fmt(left);
    c.classList.toggle("urgent", left < 60000);
  }
  setInterval(tick, 250);

  // ---- promo
  $("promo-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var code = $("promo").value.trim().toUpperCase();
    state.promo = code || null;
    M.show($("message"), "");
    price();
  });

  // ---- pay: confirm the hold into a booking (once), then pay it (retryable with another card)
  $("pay-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (state.busy) return;
    var form = ev.target;
    if (!form.reportValidity()) return;
    state.busy = true;
    $("pay").disabled = true;
    M.show($("message"), "");
    var email = $("email").value.trim();
    var step = state.booking ? Promise.resolve() : M.api("POST", "/api/bookings/confirm", {
      holdId: state.hold.holdId, sessionToken: token, paymentMethod: "CARD",
      userDetails: { email: email, name: $("name").value.trim(), phone: $("phone").value.trim() || null }
    }, { "Idempotency-Key": M.uuid() }).then(function (r) {
      state.booking = { bookingId: r.data.bookingId, paymentIntentId: r.data.paymentIntentId,
                        bookingReference: r.data.bookingReference, paymentDeadline: r.data.paymentDeadline,
                        seats: mine(), email: email };
      saveHold(null);
      ["name", "email", "phone"].forEach(function (id) { $(id).readOnly = true; });
      drawPanel();
      $("total").textContent = M.money(r.data.amount, r.data.currency || currency);
    });
    step.then(function () {
      return M.api("POST", "/api/payments/process", {
        bookingId: state.booking.bookingId, paymentIntentId: state.booking.paymentIntentId,
        paymentMethod: { type: "card", token: $("card").value }
      }, { "Idempotency-Key": M.uuid() });
    }).then(function (r) {
      say("Payment received. Booking " + r.data.bookingReference + " is confirmed.", "ok");
      var done = $("done-form");
      done.elements.reference.value = r.data.bookingReference;
      done.elements.email.value = state.booking.email;
      done.submit();
    }).catch(function (e) {
      state.busy = false;
      $("pay").disabled = false;
      if (e.code === "PAYMENT_DECLINED") {
        say("Your card was declined (" + e.message + "). Your seats stay reserved for a few minutes — try another card.");
      } else if (e.code === "PAYMENT_WINDOW_EXPIRED") {
        say("Payment arrived after the time to pay ran out, so it is being refunded in full and the seats were released.");
        state.booking = null; refresh();
      } else if (e.code === "VALIDATION_ERROR") {
        say("Please check your details: " + e.message);
      } else if (!state.booking) {
        handleHoldError(e);
      } else {
        say(e.message || "The payment did not go through. Please try again.");
      }
    });
  });

  // ---- live updates
  var liveText = { live: "Live: seats update as other customers book.", reconnecting: "Reconnecting to live updates…",
                   poll: "Live updates unavailable; refreshing every few seconds." };
  M.watch(showtimeId, {
    onChange: refreshSoon,
    onResync: refreshSoon,
    onState: function (s) { $("live").textContent = liveText[s] || ""; root.dataset.live = s; }
  });
  refresh();
})();
