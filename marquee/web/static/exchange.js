/* Booking page, "Change seats or time" (issue 21): pick a showtime of the same film at the same cinema (the public
   GET /api/showtimes/movie/{movieId}), choose seats on its seat map (seatmap.js, as on the showtime page) or ask for
   the best available, and move the booking with POST /api/bookings/{bookingId}/exchange. The API decides
   everything (rules, prices, refunds); this page only shows its answers. A dearer move answers 202 PENDING_PAYMENT
   with the difference to pay (POST /api/payments/process, as the booking flow pays), or EXCHANGE_PAYMENT_REQUIRED
   while that is not available. */
(function () {
  "use strict";
  var M = window.Marquee;
  var root = document.getElementById("exchange");
  var ticket = document.getElementById("ticket");
  if (!root || !ticket || !M.SeatMap) return;
  var $ = function (id) { return document.getElementById(id); };
  var b = JSON.parse(root.dataset.exchange);
  var currency = ticket.dataset.currency;

  var state = {
    bookingId: b.bookingId,
    showtimeId: b.showtimeId,     // the booking's showtime (changes after a move to another one)
    own: b.seats.slice(),         // the booking's seats on that showtime
    target: null,                 // the showtime whose map is shown
    picked: [],                   // seat ids chosen on the target's map, in the order chosen
    showtimes: {},                // id -> the API's showtime (of the listed date)
    busy: false,
    lastBody: null, lastKey: null, // the key is reused only to retry the same request after a lost connection
    pending: null,                // a dearer move waiting for its difference (202)
    live: null, liveText: ""      // the target's live updates (live.js), while the panel is open
  };

  var map = new M.SeatMap($("x-seatmap"), { currency: currency, onSeat: onSeat });
  map.legend($("x-legend"), null, currency);

  function result(text, kind) {
    M.show($("x-result"), text, kind);
  }
  function focusResult() { $("x-result").focus(); }

  function mode() { return root.querySelector('input[name="x-mode"]:checked').value; }

  // ---- opening the panel
  $("exchange-open").addEventListener("click", function () {
    var panel = $("exchange-panel");
    var open = panel.hidden;
    panel.hidden = !open;
    this.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      if (!$("x-date").value) { $("x-date").value = b.localDate; loadShowtimes(state.showtimeId); }
      else if (state.target) { watch(state.target); refresh(); }
      $("x-date").focus();
    } else watch(null);
  });

  // ---- the showtimes of the film at this cinema on a local date (the booking's own one included)
  function localTime(iso) { return String(iso).slice(11, 16); }   // startsAt carries the cinema's UTC offset

  function loadShowtimes(select) {
    var day = $("x-date").value;
    var list = $("x-showtime");
    if (!day) return Promise.resolve();
    list.disabled = true;
    return M.api("GET", "/api/showtimes/movie/" + b.movieId + "?cinema=" + encodeURIComponent(b.cinemaId) +
                 "&date=" + encodeURIComponent(day)).then(function (r) {
      list.replaceChildren();
      state.showtimes = {};
      r.data.forEach(function (s) {
        state.showtimes[s.id] = s;
        var o = document.createElement("option");
        o.value = s.id;
        var words = localTime(s.startsAt) + " · " + s.auditorium;
        if (s.id === state.showtimeId) words += " (your booking)";
        if (!s.onSale) { words += " · no longer on sale"; o.disabled = true; }
        else words += " · " + s.availableSeats + (s.availableSeats === 1 ? " seat free" : " seats free");
        o.textContent = words;
        list.appendChild(o);
      });
      var want = select && state.showtimes[select] ? select : null;
      if (!want) {
        var first = r.data.filter(function (s) { return s.onSale; })[0];
        want = first ? first.id : null;
      }
      list.disabled = !r.data.length;
      if (!r.data.length) {
        var none = document.createElement("option");
        none.value = ""; none.textContent = "No showtime of this film on that day";
        list.appendChild(none);
      }
      if (want) list.value = want;
      choose(want);
    }, function (e) {
      list.disabled = false;
      result("Could not load the showtimes: " + e.message, "error");
    });
  }
  $("x-date").addEventListener("change", function () { loadShowtimes(state.target); });
  $("x-showtime").addEventListener("change", function () { choose(this.value || null); });

  // Seats others hold or buy meanwhile show on the map as on the showtime page: the showtime's event stream (or
  // polling) makes the page refetch it.
  var liveWords = { live: "Live: seats update as other customers book.", reconnecting: "Reconnecting to live updates…",
                    poll: "Live updates unavailable; refreshing every few seconds." };
  var refreshTimer = null;
  function refreshSoon() { clearTimeout(refreshTimer); refreshTimer = setTimeout(refresh, 80); }
  function watch(id) {
    if (state.live) { state.live.close(); state.live = null; }
    state.liveText = "";
    if (!id || !M.watch) return;
    state.live = M.watch(id, {
      onChange: refreshSoon, onResync: refreshSoon,
      onState: function (s) { state.liveText = liveWords[s] || ""; root.dataset.live = s; showMapState(); }
    });
  }
  function showMapState() {
    if (state.target) $("x-map-state").textContent = "Seat map of " + describeShowtime(state.target) + ". " + state.liveText;
  }

  function choose(id) {
    var changed = id !== state.target;
    state.target = id;
    if (changed) {
      state.picked = id === state.showtimeId ? state.own.slice() : [];
      if (!$("exchange-panel").hidden) watch(id);
    }
    $("x-map-panel").hidden = !id || mode() === "best";
    $("x-submit").disabled = !id;
    if (!id) { map.container.replaceChildren(); drawChosen(); return Promise.resolve(); }
    return refresh();
  }

  // ---- the target's seat map: the booking's own seats (on its own showtime) are the customer's to keep or drop
  var loaded = null;  // the showtime whose map is drawn
  function refresh() {
    var id = state.target;
    if (!id) return Promise.resolve();
    if (loaded !== id) $("x-map-state").textContent = "Loading the seat map…";
    return M.api("GET", "/api/showtimes/" + id + "/seats").then(function (r) {
      if (id !== state.target) return;
      var again = loaded === id;
      loaded = id;
      var mine = id === state.showtimeId ? state.own : [];
      var still = [];
      r.data.layout.rows.forEach(function (row) {
        row.seats.forEach(function (s) {
          var chosen = state.picked.indexOf(s.id) >= 0;
          if (mine.indexOf(s.id) >= 0) s.status = chosen ? "SELECTED" : "AVAILABLE";
          else if (chosen && s.status === "AVAILABLE") s.status = "SELECTED";
          if (s.status === "SELECTED") still.push(s.id);
        });
      });
      var dropped = state.picked.filter(function (x) { return still.indexOf(x) < 0; });
      state.picked = state.picked.filter(function (x) { return still.indexOf(x) >= 0; });
      map.render(r.data);
      showMapState();
      drawChosen();
      if (again && dropped.length && !state.busy) {
        result("Sorry — " + names(dropped) + (dropped.length > 1 ? " were" : " was") + " just taken by someone else, " +
          "so " + (dropped.length > 1 ? "they are" : "it is") + " no longer in your choice. Please choose another seat.", "warn");
      }
      M.api("GET", "/api/showtimes/" + id + "/seat-features")
        .then(function (f) { if (id === state.target) map.setFeatures(f.data); }, function () {});
    }, function (e) {
      $("x-map-state").textContent = "";
      result("Could not load the seat map: " + e.message, "error");
    });
  }

  function describeShowtime(id) {
    var s = state.showtimes[id];
    if (!s) return "the chosen showtime";
    return String(s.startsAt).slice(0, 10) + " " + localTime(s.startsAt) + ", " + s.auditorium;
  }

  function drawChosen() {
    var list = $("x-chosen");
    list.replaceChildren();
    state.picked.forEach(function (id) {
      var s = map.seat(id);
      var li = M.el("li");
      li.appendChild(M.el("span", null, map.describe(id) + (s ? " · " + String(s.type).toLowerCase() : "") +
        (state.target === state.showtimeId && state.own.indexOf(id) >= 0 ? " (yours now)" : "")));
      li.appendChild(M.el("span", "price", s && s.price != null ? M.money(s.price, currency) : ""));
      list.appendChild(li);
    });
    $("x-empty").hidden = state.picked.length > 0;
  }

  function onSeat(id, seat) {
    if (state.busy || state.pending) return;
    var name = map.describe(id);
    if (seat.status === "LOCKED") {
      result(name + " is being held by another customer right now. Please choose another seat.", "warn"); return;
    }
    if (seat.status === "BOOKED") { result(name + " is already sold. Please choose another seat.", "warn"); return; }
    if (seat.status === "BLOCKED") { result(name + " is not for sale for this show. Please choose another seat.", "warn"); return; }
    M.show($("x-result"), "");
    var at = state.picked.indexOf(id);
    if (at >= 0) state.picked.splice(at, 1); else state.picked.push(id);
    map.setStatus([id], at >= 0 ? "AVAILABLE" : "SELECTED");
    drawChosen();
  }

  Array.prototype.forEach.call(root.querySelectorAll('input[name="x-mode"]'), function (r) {
    r.addEventListener("change", function () {
      var best = mode() === "best";
      $("x-quantity-label").hidden = !best;
      $("x-map-panel").hidden = best || !state.target;
    });
  });

  // ---- the move
  function names(ids) {
    return (ids || []).map(function (id) { return map.describe(id); }).join(", ");
  }

  function seatsText(seats) {
    return seats.map(function (s) { return "Row " + s.rowLabel + " seat " + s.seatNumber; }).join(", ");
  }

  $("x-submit").addEventListener("click", function () {
    if (state.busy || !state.target) return;
    var body = { showtimeId: state.target };
    if (mode() === "best") {
      var q = parseInt($("x-quantity").value, 10);
      if (!(q >= 1)) { result("Please say how many seats you want.", "error"); $("x-quantity").focus(); return; }
      body.bestAvailable = { quantity: q, together: true };
    } else {
      if (!state.picked.length) { result("Please choose at least one seat on the map.", "error"); focusResult(); return; }
      body.seatIds = state.picked.slice();
    }
    var text = JSON.stringify(body);
    var key = state.lastBody === text && state.lastKey ? state.lastKey : M.uuid();
    state.lastBody = text; state.lastKey = key;
    state.busy = true;
    $("x-submit").disabled = true;
    root.setAttribute("aria-busy", "true");
    result("Changing your booking…");
    var target = state.target;
    M.api("POST", "/api/bookings/" + state.bookingId + "/exchange", body, { "Idempotency-Key": key })
      .then(function (r) {
        state.lastBody = null;
        if (r.status === 202 && r.data.status === "PENDING_PAYMENT") awaitPayment(r.data, target);
        else moved(r.data, target);
      }, function (e) {
        if (e.status !== 0) state.lastBody = null; // an answer came: a new attempt is a new request
        refused(e);
        if (state.target) return refresh();  // still busy meanwhile: the refusal stays what is said
      })
      .then(function () {
        state.busy = false;
        $("x-submit").disabled = !state.target;
        root.removeAttribute("aria-busy");
        focusResult();
      });
  });

  function refused(e) {
    var text;
    var d = e.details || {};
    switch (e.code) {
      case "SEAT_UNAVAILABLE":
        text = "Sorry — " + (names(d.seatIds) || "a seat you chose") + " is no longer available (someone else holds or " +
          "bought it). The map has been refreshed; please choose other seats.";
        break;
      case "TOO_LATE_TO_EXCHANGE":
        text = "It is too close to the show to change this booking (" + e.message + ").";
        break;
      case "EXCHANGE_PAYMENT_REQUIRED":
        text = "These seats cost " + (d.priceDifference != null ? M.money(d.priceDifference, currency) + " " : "") +
          "more than you paid, and paying a difference online is not available yet (" + e.message + "). " +
          "Choose seats that cost the same or less.";
        break;
      case "SHOWTIME_NOT_ON_SALE":
        text = "That showtime is no longer on sale (" + e.message + "). Please choose another one.";
        loadShowtimes(state.target);
        break;
      case "BOOKING_NOT_CONFIRMED":
        text = "Only a confirmed booking can be changed (" + e.message + ").";
        break;
      case "SEAT_LONE":
        text = "That choice would leave a single empty seat" + (d.seatIds && d.seatIds.length ? " (" + names(d.seatIds) + ")" : "") +
          ". Please shift your seats or add that one (" + e.message + ").";
        break;
      case "BEST_AVAILABLE_NOT_FOUND":
        text = "There are not enough seats together on that showtime (" + e.message + "). Try fewer seats or another showtime.";
        break;
      case "RATE_LIMITED":
        text = "Too many requests — please wait a moment and try again.";
        break;
      case "NETWORK":
        text = e.message;
        break;
      default:
        text = e.message || "Something went wrong.";
    }
    result(text + " Nothing was changed: your booking keeps its seats.", "error");
  }

  function difference(amount) {
    var n = Number(amount);
    if (n < 0) return "The new seats cost " + M.money(-n, currency) + " less.";
    if (n > 0) return "The new seats cost " + M.money(n, currency) + " more.";
    return "The price is the same, so there is nothing to pay or refund.";
  }

  function moved(data, target) {
    var st = state.showtimes[target];
    var refund = data.refundAmount != null && Number(data.refundAmount) > 0
      ? " We refund " + M.money(data.refundAmount, currency) + " to your card." : "";
    result("Done — booking " + data.bookingReference + " is now for " + describeShowtime(data.showtimeId) +
      ": " + seatsText(data.seats) + ". " + difference(data.priceDifference) + refund +
      " Your old tickets are void; your new ones are on the updated booking.", "ok");
    $("x-result").dataset.outcome = "moved";
    // the page shows the booking as it is now
    $("b-seats").textContent = data.seats.map(function (s) {
      return "Row " + s.rowLabel + " seat " + s.seatNumber + " (" + String(s.type).toLowerCase() + ")";
    }).join(", ");
    if (st && data.showtimeId === target) {
      $("b-when").textContent = String(st.startsAt).slice(0, 10) + " " + localTime(st.startsAt) + " (" + b.timeZone + ")";
      $("b-where").textContent = $("b-where").textContent.replace(/, [^,]*$/, ", " + st.auditorium);
    }
    state.bookingId = data.bookingId;
    ticket.dataset.booking = data.bookingId;  // a move to another showtime re-makes the booking there (new id)
    state.showtimeId = data.showtimeId;
    state.own = data.seats.map(function (s) { return s.id; });
    state.picked = state.own.slice();
    // the tickets and the cancellation terms shown were the old seats': the updated booking has the new ones
    ["tickets", "cancel-section"].forEach(function (id) { if ($(id)) $(id).hidden = true; });
    $("x-reload-button").hidden = false;
    watch(null);
    $("exchange-panel").hidden = true;
    $("exchange-open").setAttribute("aria-expanded", "false");
    loadShowtimes(state.target);
  }

  // ---- a dearer move (202 PENDING_PAYMENT): the new seats are held until the difference is paid
  function awaitPayment(data, target) {
    state.pending = data;
    var until = data.paymentDeadline ? new Date(data.paymentDeadline) : null;
    var when = until ? until.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }) : "";
    result("Almost done — " + seatsText(data.seats || []) + " of " + describeShowtime(target) + " are held for you. " +
      difference(data.priceDifference) + " Pay the difference" + (when ? " by " + when : "") +
      " to complete the change; until then your booking keeps its current seats.", "warn");
    $("x-result").dataset.outcome = "pending";
    $("x-pay-text").textContent = "To pay: " + M.money(data.priceDifference, currency) +
      (when ? ", before " + when + " (your time)." : ".");
    $("x-pay").textContent = "Pay " + M.money(data.priceDifference, currency);
    $("x-pay-form").hidden = false;
    watch(null);
    $("exchange-panel").hidden = true;
    $("exchange-open").setAttribute("aria-expanded", "false");
    $("exchange-open").disabled = true;
  }

  $("x-pay-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var p = state.pending;
    if (!p || state.busy) return;
    state.busy = true;
    $("x-pay").disabled = true;
    result("Paying the difference…");
    M.api("POST", "/api/payments/process", {
      bookingId: p.bookingId, paymentIntentId: p.paymentIntentId,
      paymentMethod: { type: "card", token: $("x-card").value }
    }, { "Idempotency-Key": M.uuid() }).then(function (r) {
      if (r.status === 202) {
        result("Your bank is still processing the payment. Your booking keeps its current seats until it is confirmed; " +
          "look it up again in a few minutes.", "warn");
        return;
      }
      result("Payment received. Showing your booking with its new seats…", "ok");
      $("x-reload").submit();
    }, function (e) {
      state.busy = false;
      $("x-pay").disabled = false;
      if (e.code === "PAYMENT_DECLINED") result("Your card was declined (" + e.message + "). Try another card before the deadline; until then your booking keeps its current seats.", "error");
      else if (e.code === "PAYMENT_WINDOW_EXPIRED") result("The time to pay ran out, so the change was not made: your booking keeps its seats.", "error");
      else result((e.message || "The payment did not go through.") + " Your booking keeps its current seats.", "error");
    }).then(focusResult);
  });
})();
