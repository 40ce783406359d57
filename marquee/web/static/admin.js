/* Admin page: the operator logged in at /admin/login (session cookie: Secure, HttpOnly, SameSite=Strict, never
   readable here). GET /api/auth/me says who they are, what they may do and for which cinemas: the page shows only
   that, and every call it makes is checked again by the database anyway. Sections: a showtime's live map with
   block/unblock, its bookings, finding a booking, the payments to look at (reconciliation), operators, the demo
   mailbox. */
(function () {
  "use strict";
  var M = window.Marquee;
  var $ = function (id) { return document.getElementById(id); };
  var picked = new Set();
  var me = null, showtimeId = null, watcher = null, currency = "USD", queueTimer = null;
  var map = new M.SeatMap($("seatmap"), { picked: picked, currency: currency, onSeat: function (id) {
    if (!may("seats.block")) return;
    if (picked.has(id)) picked.delete(id); else picked.add(id);
    map.repaint(id);
  } });

  function may(permission) { return !!me && me.permissions.indexOf(permission) >= 0; }
  function say(text, kind) { M.show($("admin-message"), text, kind || "error"); }
  function toLogin() { location.assign("/admin/login?next=" + encodeURIComponent(location.pathname + location.search)); }
  function failed(e) {
    if (e.status === 401) { toLogin(); return; }
    say(e.status === 403 ? "Your role or cinemas do not allow this: " + e.message : e.message);
  }

  // ---- who am I: show only what the role may do
  function showAllowed() {
    document.querySelectorAll("[data-permission]").forEach(function (node) {
      node.hidden = !node.dataset.permission.split(" ").some(may);
    });
    var any = ["seats.block", "bookings.read", "bookings.refund", "reports.read", "operators.manage", "mail.read"].some(may);
    $("nothing").hidden = any;
  }
  function describe() {
    var who = me.operator ? me.operator.name + " <" + me.operator.email + ">" : "API key " + (me.apiKey || {}).name;
    var where = me.cinemaIds === null ? "all cinemas" : me.cinemas.map(function (c) { return c.name; }).join(", ");
    $("who-text").textContent = "Signed in as " + who + " — " + me.role.replace("_", " ").toLowerCase() + ", " + where + ".";
    $("logout").hidden = false;
  }
  $("logout").addEventListener("click", function () {
    M.api("POST", "/api/auth/logout").then(function () { location.assign("/admin/login"); }, failed);
  });

  // ---- choose a showtime of one of my cinemas: cinema -> date -> showtime
  function loadCinemas() {
    $("a-cinema").replaceChildren.apply($("a-cinema"), me.cinemas.map(function (c) {
      var o = M.el("option", null, c.name + " (" + c.city + ")");
      o.value = c.id; o.dataset.currency = c.currency;
      return o;
    }));
    return me.cinemas.length ? loadShowtimes() : Promise.resolve();
  }
  function loadShowtimes() {
    var cinema = $("a-cinema").value, date = $("a-date").value;
    var q = "?cinema=" + encodeURIComponent(cinema) + (date ? "&date=" + date : "");
    return M.api("GET", "/api/movies/now-showing" + q).then(function (r) {
      return Promise.all(r.data.map(function (m) {
        return M.api("GET", "/api/showtimes/movie/" + m.id + q).then(function (s) {
          return s.data.map(function (st) { return { st: st, title: m.title }; });
        });
      }));
    }).then(function (lists) {
      var all = [].concat.apply([], lists).sort(function (a, b) { return a.st.startsAt < b.st.startsAt ? -1 : 1; });
      var sel = $("a-show");
      sel.replaceChildren.apply(sel, all.map(function (x) {
        var o = M.el("option", null, x.st.startsAt.slice(11, 16) + " " + x.title + " — " + x.st.auditorium +
          " (" + x.st.availableSeats + "/" + x.st.totalSeats + " free)");
        o.value = x.st.id;
        return o;
      }));
      if (!all.length) sel.appendChild(M.el("option", null, "No showtimes that day"));
    }).catch(failed);
  }
  $("a-cinema").addEventListener("change", loadShowtimes);
  $("a-date").addEventListener("change", loadShowtimes);
  $("show-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if ($("a-show").value) open($("a-show").value);
  });

  // ---- one showtime: map + bookings, live
  function refresh() {
    var calls = [M.api("GET", "/api/showtimes/" + showtimeId + "/seats").then(function (r) { map.render(r.data); })];
    if (may("bookings.read")) {
      calls.push(M.api("GET", "/api/admin/showtimes/" + showtimeId + "/bookings").then(function (r) {
        drawBookings($("bookings"), r.data || [], "No bookings yet.");
      }));
    }
    if (may("checkin")) calls.push(refreshCheckins());
    return Promise.all(calls).catch(failed);
  }
  // ---- who is in: the seats whose tickets were scanned (the check-in manifest), polled while a showtime is open
  function refreshCheckins() {
    if (!showtimeId) return Promise.resolve();
    var asked = showtimeId;
    return M.api("GET", "/api/checkin/showtimes/" + asked + "/manifest").then(function (r) {
      if (asked !== showtimeId) return;
      var seatOf = {}, bySeat = {}, live = 0;
      r.data.tickets.forEach(function (t) { seatOf[t.ticketId] = t.seatId; if (t.status !== "VOID") live++; });
      r.data.scans.forEach(function (sc) { if (seatOf[sc.ticketId]) bySeat[seatOf[sc.ticketId]] = sc; });
      map.setCheckedIn(bySeat);
      $("checked-in").textContent = Object.keys(bySeat).length + " of " + live + " tickets checked in.";
    });
  }
  setInterval(function () { if (showtimeId && may("checkin")) refreshCheckins().catch(function () { /* next time */ }); }, 10000);
  function drawBookings(box, list, empty) {
    if (!list.length) { box.replaceChildren(M.el("p", "muted", empty)); return; }
    var t = M.el("table", "list");
    var head = M.el("tr");
    ["Reference", "Status", "Customer", "Seats", "Amount"].forEach(function (h) { head.appendChild(M.el("th", null, h)); });
    t.appendChild(head);
    list.forEach(function (b) {
      var tr = M.el("tr");
      tr.appendChild(M.el("td", null, b.bookingReference));
      tr.appendChild(M.el("td", null, String(b.status).replace(/_/g, " ").toLowerCase()));
      tr.appendChild(M.el("td", null, (b.userDetails && (b.userDetails.name || "") + " <" + (b.userDetails.email || "") + ">") || ""));
      tr.appendChild(M.el("td", null, (b.seats || []).map(function (s) { return s.rowLabel + s.seatNumber; }).join(" ")));
      tr.appendChild(M.el("td", null, M.money(b.amount, b.currency)));
      t.appendChild(tr);
    });
    box.replaceChildren(t);
  }
  // ---- the showtime's waiting room (issue 20): length, admitted, rate, sold seats, refreshed every 3 s
  function loadQueue() {
    if (!may("showtimes.manage") || !showtimeId) return Promise.resolve();
    var id = showtimeId;
    return M.api("GET", "/api/admin/showtimes/" + id + "/queue").then(function (r) {
      if (id !== showtimeId) return;
      var q = r.data;
      $("queue-card").hidden = false;
      $("queue-none").hidden = true;
      $("queue-live").hidden = false;
      var opens = new Date(q.opensAt);
      $("queue-state").textContent = !q.queue ? "On sale from " + opens.toLocaleString() + " without a queue."
        : (q.paused ? "Admissions paused. " : "") + (opens > new Date() ? "Opens " + opens.toLocaleString() + "." :
          q.soldOutAt ? "Sold out." : "Open: buyers are admitted in order.");
      $("q-waiting").textContent = String(q.waiting);
      $("q-admitted").textContent = String(q.admitted);
      $("q-shopping").textContent = String(q.shopping);
      $("q-rate").textContent = (Math.round(Number(q.admissionRate) * 10) / 10) + " / min" +
        (q.admitPerMinute == null ? " (derived)" : "");
      $("q-sold").textContent = String(q.soldSeats);
      $("q-expired").textContent = String(q.expired);
      $("q-soldout").textContent = String(q.soldOut);
    }, function (e) {
      if (id !== showtimeId) return;
      if (e.code === "ON_SALE_NOT_FOUND") {
        $("queue-card").hidden = false;
        $("queue-none").hidden = false;
        $("queue-live").hidden = true;
      } else if (e.status === 401) toLogin();
      else $("queue-card").hidden = true;
    });
  }

  function open(id) {
    showtimeId = id;
    if (queueTimer) clearInterval(queueTimer);
    loadQueue();
    queueTimer = setInterval(loadQueue, 3000);
    picked.clear();
    $("admin-show").hidden = false;
    var opt = $("a-cinema").selectedOptions[0];
    map.options.currency = currency = (opt && opt.dataset.currency) || currency;
    map.legend($("legend"), null, currency);
    if (may("checkin")) {
      var li = M.el("li"), sw = M.el("span", "seat swatch status-booked type-standard checked-in", "✔");
      sw.setAttribute("aria-hidden", "true");
      li.appendChild(sw);
      li.appendChild(M.el("span", null, "Checked in at the door"));
      $("legend").querySelector("ul").appendChild(li);
    }
    $("a-title").textContent = "Seat map — " + (($("a-show").selectedOptions[0] || {}).textContent || id);
    if (watcher) watcher.close();
    watcher = M.watch(id, { onChange: refresh, onResync: refresh,
                            onState: function (s) { $("live").textContent = s === "live" ? "Live." : "Reconnecting…"; } });
    history.replaceState(null, "", "/admin?showtime=" + id);
    return refresh();
  }
  function blockAction(kind) {
    if (!picked.size) { say("Pick one or more seats on the map first."); return; }
    M.api("POST", "/api/admin/showtimes/" + showtimeId + "/" + kind, { seatIds: Array.from(picked), reason: "admin page" })
      .then(function (r) {
        say((kind === "block" ? "Blocked " : "Unblocked ") + r.data.count + " seat(s).", "ok");
        picked.clear();
        return refresh();
      }, failed);
  }
  $("block").addEventListener("click", function () { blockAction("block"); });
  $("unblock").addEventListener("click", function () { blockAction("unblock"); });

  // ---- find a booking (reference, its start, or email) in my cinemas
  $("find-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    M.api("GET", "/api/admin/bookings?q=" + encodeURIComponent($("find-q").value.trim())).then(function (r) {
      drawBookings($("find-results"), r.data || [], "No booking found in your cinemas.");
    }, failed);
  });

  // ---- operators (OWNER)
  function loadOperators() {
    M.api("GET", "/api/admin/operators").then(function (r) {
      var t = M.el("table", "list");
      var head = M.el("tr");
      ["Email", "Name", "Role", "Cinemas", "Active"].forEach(function (h) { head.appendChild(M.el("th", null, h)); });
      t.appendChild(head);
      var names = {};
      me.cinemas.forEach(function (c) { names[c.id] = c.name; });
      (r.data || []).forEach(function (o) {
        var tr = M.el("tr");
        tr.appendChild(M.el("td", null, o.email));
        tr.appendChild(M.el("td", null, o.name));
        tr.appendChild(M.el("td", null, o.role));
        tr.appendChild(M.el("td", null, o.cinemaIds === null ? "all" : o.cinemaIds.map(function (id) { return names[id] || id; }).join(", ")));
        tr.appendChild(M.el("td", null, o.active ? "yes" : "no"));
        t.appendChild(tr);
      });
      $("operator-list").replaceChildren(t);
    }, failed);
  }

  // ---- demo mailbox: only shown when the server has one (GET /api/admin/mail)
  function loadMail() {
    M.api("GET", "/api/admin/mail").then(function (r) {
      var items = Array.isArray(r.data) ? r.data : [];
      var list = $("mail-list");
      list.replaceChildren();
      if (!items.length) list.appendChild(M.el("p", "muted", "The mailbox is empty."));
      items.slice(0, 50).forEach(function (m) {
        var d = M.el("details", "mail-item");
        d.appendChild(M.el("summary", null, (m.subject || "(no subject)") + " — to " + (m.to || "?") +
          (m.date ? " — " + m.date : "")));
        d.appendChild(M.el("pre", null, m.text || ""));
        list.appendChild(d);
      });
    }, function () { $("mail").hidden = true; });
  }

  // ---- payments to look at: booking.payment_discrepancies (GET /api/admin/payments/discrepancies)
  var PROBLEMS = {
    REFUND_REVERSED: "Refund failed after it had succeeded: the customer was told it was refunded and was not",
    REFUND_FAILED: "A refund failed: the customer is owed the money",
    REFUND_STUCK: "A refund has been pending for more than an hour",
    MONEY_KEPT_WITHOUT_SEATS: "Paid without seats (a late payment not refunded yet)",
    CHARGED_TWICE: "Charged twice", CONFIRMED_NOT_PAID: "Confirmed but not paid in full",
    PAID_BUT_PENDING: "Paid but still waiting for payment", REFUNDED_MORE_THAN_PAID: "Refunded more than paid",
    PAYMENT_STATUS_WRONG: "Payment status disagrees with the money", WEBHOOK_ERROR: "A Stripe event did not match our data"
  };
  function loadDiscrepancies() {
    M.api("GET", "/api/admin/payments/discrepancies").then(function (r) {
      var box = $("discrepancy-list");
      box.replaceChildren();
      if (!r.data.length) { box.appendChild(M.el("p", "muted", "Nothing to look at: every booking's money agrees with its status.")); }
      else {
        var table = M.el("table", "bookings");
        var head = M.el("tr");
        ["Booking", "Problem", "Status", "Payment", "Paid", "Refunded", "Refunds that failed"].forEach(function (h) {
          head.appendChild(M.el("th", null, h));
        });
        table.appendChild(head);
        r.data.forEach(function (d) {
          var tr = M.el("tr");
          tr.dataset.problem = d.problem;
          tr.appendChild(M.el("td", null, d.bookingReference || d.eventId || ""));
          tr.appendChild(M.el("td", null, PROBLEMS[d.problem] || d.problem));
          tr.appendChild(M.el("td", null, d.status || ""));
          tr.appendChild(M.el("td", null, d.paymentStatus || ""));
          tr.appendChild(M.el("td", null, d.paid == null ? "" : M.money(d.paid, d.currency)));
          tr.appendChild(M.el("td", null, d.refunded == null ? "" : M.money(d.refunded, d.currency)));
          var failedRefunds = (d.detail && d.detail.refunds) || [];
          tr.appendChild(M.el("td", null, failedRefunds.map(function (f) {
            return M.money(f.amount, d.currency) + " (" + (f.failureReason || "failed") + ")";
          }).join(", ")));
          table.appendChild(tr);
        });
        box.appendChild(table);
      }
      $("discrepancies").hidden = false;
    }, function () { $("discrepancies").hidden = true; });
  }

  var params = new URLSearchParams(location.search);
  M.api("GET", "/api/auth/me").then(function (r) {
    me = r.data;
    describe();
    showAllowed();
    if (may("operators.manage")) loadOperators();
    if (may("mail.read")) loadMail();
    if (may("bookings.refund")) loadDiscrepancies();
    if (may("seats.block") || may("bookings.read")) {
      return loadCinemas().then(function () {
        if (params.get("showtime")) open(params.get("showtime"));
      });
    }
  }).catch(failed);
})();
