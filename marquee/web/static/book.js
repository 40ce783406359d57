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
  // A waiting-list offer (issue 21) is held under its own token: a page opened from the offer link
  // (?waitlist=<waitlistId>) adopts it for this showtime.
  var tokenKey = "marquee.sessionToken." + showtimeId;
  token = localStorage.getItem(tokenKey) || token;
  // A queued on-sale (issue 20): the page opens on the waiting room (waitroom.js) and shows the seat map once the
  // API admits this session; every hold then carries the admission token (X-Admission-Token).
  var room = root.dataset.room ? JSON.parse(root.dataset.room) : null;
  var admission = null;   // {token, until} while admitted

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
    if (room && (e.code === "ADMISSION_EXPIRED" || e.code === "ADMISSION_REQUIRED" || e.code === "NOT_YET_ON_SALE")) {
      // the admission ended (or was never valid): back to the waiting room, which says why and what to do
      admission = null;
      enterRoom();
      return;
    }
    say(e.message || "Something went wrong. Please try again.");
    refresh();
  }

  // Picks made while a hold request is in flight are queued in `want` and sent next, so quick clicks are kept.
  var want = null;

  function hold(ids) {
    state.busy = true;
    var req = ids.length
      ? M.api("POST", "/api/bookings/hold", { showtimeId: showtimeId, seatIds: ids, sessionToken: token },
              admission ? { "X-Admission-Token": admission.token } : undefined)
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
    // the last minute is said in words (and a mark and a border), not only by the red background
    c.textContent = (state.booking ? "Complete payment within " : "Seats held for you for ") + fmt(left) +
      (left < 60000 ? " — less than a minute left" : "");
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

  // ---- pay: confirm the hold into a booking (once), then pay it (retryable with another card).
  // 3-D Secure: the API answers 202 REQUIRES_ACTION with the bank's page (nextAction.redirectToUrl.url); the
  // browser goes there and comes back here with ?payment_intent=...&redirect_status=..., and the page asks the API
  // to finish (process without a card: the API reads the payment). A payment the bank settles later answers
  // 202 PROCESSING: the seats stay reserved and the page waits for the outcome.
  var pendingKey = "marquee.pay3ds." + showtimeId;

  function lockDetails() { ["name", "email", "phone"].forEach(function (id) { $(id).readOnly = true; }); }

  function paid(reference) {
    say("Payment received. Booking " + reference + " is confirmed.", "ok");
    var done = $("done-form");
    done.elements.reference.value = reference;
    done.elements.email.value = state.booking.email;
    done.submit();
  }

  function failed(e) {
    state.busy = false;
    $("pay").disabled = false;
    if (e.code === "PAYMENT_DECLINED") {
      if (e.details && e.details.declineCode === "payment_intent_authentication_failure") {
        say("Your bank could not confirm it was you (3-D Secure failed). Your seats stay reserved for a few minutes — try again or use another card.");
      } else {
        say("Your card was declined (" + e.message + "). Your seats stay reserved for a few minutes — try another card.");
      }
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
  }

  function waitForOutcome() {
    // the bank decides later (webhook); the booking view says when
    M.api("GET", "/api/bookings/" + encodeURIComponent(state.booking.bookingReference) + "?email=" +
          encodeURIComponent(state.booking.email)).then(function (r) {
      if (r.data.status === "CONFIRMED") { paid(state.booking.bookingReference); return; }
      if (r.data.status !== "PENDING_PAYMENT") {
        say("The payment did not go through, so the seats were released. Please start again.", "warn");
        state.booking = null; state.busy = false; $("pay").disabled = false; refresh();
        return;
      }
      if (r.data.paymentDeadline) state.booking.paymentDeadline = r.data.paymentDeadline;
      setTimeout(waitForOutcome, 3000);
    }, function () { setTimeout(waitForOutcome, 5000); });
  }

  function onPayment(r) {
    if (r.status === 202 && r.data.status === "REQUIRES_ACTION") {
      var action = r.data.nextAction || {};
      if (action.type === "redirect_to_url" && action.redirectToUrl && action.redirectToUrl.url) {
        sessionStorage.setItem(pendingKey, JSON.stringify(state.booking));
        say("Your bank asks you to confirm this payment. Taking you to its page…", "ok");
        window.location.assign(action.redirectToUrl.url);
        return;
      }
      failed({ code: "HTTP_202", message: "Your bank needs a confirmation this page cannot show. Please use another card." });
      return;
    }
    if (r.status === 202 && r.data.status === "PROCESSING") {
      state.booking.paymentDeadline = r.data.paymentDeadline;
      say("Your bank is processing the payment. Your seats stay reserved meanwhile; this page will show the booking as soon as the payment is confirmed.", "ok");
      waitForOutcome();
      return;
    }
    paid(r.data.bookingReference);
  }

  function pay(paymentMethod) {
    var body = { bookingId: state.booking.bookingId, paymentIntentId: state.booking.paymentIntentId };
    if (paymentMethod) {
      body.paymentMethod = paymentMethod;
      body.returnUrl = window.location.origin + window.location.pathname;  // where 3-D Secure comes back to
    }
    return M.api("POST", "/api/payments/process", body, { "Idempotency-Key": M.uuid() }).then(onPayment);
  }

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
                        seats: mine(), email: email, name: $("name").value.trim(), phone: $("phone").value.trim(),
                        amount: r.data.amount, currency: r.data.currency };
      saveHold(null);
      lockDetails();
      drawPanel();
      $("total").textContent = M.money(r.data.amount, r.data.currency || currency);
    });
    step.then(function () {
      return pay({ type: "card", token: $("card").value });
    }).catch(failed);
  });

  // Back from the bank's 3-D Secure page: finish the payment this browser started.
  (function resume() {
    var params = new URLSearchParams(window.location.search);
    var intent = params.get("payment_intent");
    var saved = JSON.parse(sessionStorage.getItem(pendingKey) || "null");
    if (!intent) return;
    window.history.replaceState(null, "", window.location.pathname);
    sessionStorage.removeItem(pendingKey);
    if (!saved || saved.paymentIntentId !== intent) return;
    state.booking = saved;
    state.busy = true;
    $("pay").disabled = true;
    $("name").value = saved.name || ""; $("email").value = saved.email || ""; $("phone").value = saved.phone || "";
    lockDetails();
    if (saved.amount != null) $("total").textContent = M.money(saved.amount, saved.currency || currency);
    say("Confirming your payment with your bank…", "ok");
    pay(null).catch(failed);
  })();

  // ---- the waiting room (a queued on-sale): the seat map starts once admitted
  var waiting = null, started = false;
  function enterRoom() {
    $("seat-layout").hidden = true;
    $("admitted").hidden = true;
    $("waiting-room").hidden = false;
    if (!waiting) {
      waiting = M.waitingRoom({ showtimeId: showtimeId, token: token, onAdmitted: admitted });
      $("wr-rejoin").addEventListener("click", function () {
        // the old entry stays EXPIRED (joining is idempotent per session): a new session joins at the back
        token = M.uuid();
        localStorage.setItem(tokenKey, token);
        saveHold(null);
        waiting.join(token);
      });
    }
    waiting.join(token);
  }
  function admitted(entry) {
    admission = { token: entry.admissionToken, until: entry.admittedUntil };
    $("waiting-room").hidden = true;
    $("seat-layout").hidden = false;
    var until = new Date(entry.admittedUntil);
    M.show($("admitted"), "It is your turn: choose your seats and book before " +
      until.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }) + ".", "ok");
    $("admitted").setAttribute("role", "status");
    var title = $("map-title");
    title.setAttribute("tabindex", "-1");
    title.focus();
    startMap();
  }

  // ---- live updates
  var liveText = { live: "Live: seats update as other customers book.", reconnecting: "Reconnecting to live updates…",
                   poll: "Live updates unavailable; refreshing every few seconds." };
  function startMap() {
    if (started) { refresh(); return; }
    started = true;
  M.watch(showtimeId, {
    onChange: refreshSoon,
    onResync: refreshSoon,
    onState: function (s) { $("live").textContent = liveText[s] || ""; root.dataset.live = s; }
  });
  var offerId = new URLSearchParams(window.location.search).get("waitlist");
  if (offerId) {
    M.api("GET", "/api/waitlist/" + encodeURIComponent(offerId))
      .then(function (r) {
        var offer = r.data && r.data.status === "OFFERED" ? r.data.offer : null;
        if (!offer || r.data.showtimeId !== showtimeId) {
          say("This waiting-list offer is no longer open (" + (r.data ? r.data.status : "unknown") + ").");
          return;
        }
        token = offer.sessionToken;
        localStorage.setItem(tokenKey, token);
        saveHold({ holdId: offer.holdId, expiresAt: offer.expiresAt });
        say("These seats are held for you from the waiting list.", "ok");
      })
      .catch(function (e) { say("Could not open the waiting-list offer: " + e.message); })
      .then(refresh);
  } else {
    refresh();
  }
  }
  // a waiting-list offer link is its own fair line (issue 21): it opens the offer's hold, not the waiting room
  if (room && !new URLSearchParams(window.location.search).get("waitlist")) enterRoom(); else startMap();
})();
