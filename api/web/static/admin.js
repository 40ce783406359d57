/* Admin page: an operator (token typed in, kept in sessionStorage for this tab only) opens a showtime, sees its
   live map and bookings, blocks or unblocks seats, and reads the demo mailbox when the server offers one. */
(function () {
  "use strict";
  var M = window.Marquee;
  var $ = function (id) { return document.getElementById(id); };
  var KEY = "marquee.adminToken";
  var picked = new Set();
  var showtimeId = null, watcher = null, currency = "USD";
  var map = new M.SeatMap($("seatmap"), { picked: picked, currency: currency, onSeat: function (id) {
    if (picked.has(id)) picked.delete(id); else picked.add(id);
    map.repaint(id);
  } });

  function auth() { return { Authorization: "Bearer " + (sessionStorage.getItem(KEY) || "") }; }
  function say(text, kind) { M.show($("admin-message"), text, kind || "error"); }
  function failed(e) {
    say(e.status === 401 ? "The admin token was not accepted. Enter it again above." : e.message);
  }

  $("token").value = sessionStorage.getItem(KEY) || "";
  $("token-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    sessionStorage.setItem(KEY, $("token").value.trim());
    // read-only admin pages opened as links (reports, CSV exports) authenticate with this cookie
    document.cookie = "marquee_admin=" + encodeURIComponent($("token").value.trim()) + "; path=/; SameSite=Strict";
    say("Token saved for this tab.", "ok");
    loadMail();
    if (showtimeId) open(showtimeId);
  });
  $("forget").addEventListener("click", function () {
    sessionStorage.removeItem(KEY); $("token").value = ""; say("Token forgotten.", "ok");
    document.cookie = "marquee_admin=; path=/; Max-Age=0; SameSite=Strict";
  });

  // ---- choose a showtime: cinema -> date -> showtime
  function loadCinemas() {
    return M.api("GET", "/api/cinemas").then(function (r) {
      $("a-cinema").replaceChildren.apply($("a-cinema"), r.data.map(function (c) {
        var o = M.el("option", null, c.name + " (" + c.city + ")");
        o.value = c.id; o.dataset.currency = c.currency;
        return o;
      }));
      return loadShowtimes();
    });
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
    return Promise.all([
      M.api("GET", "/api/showtimes/" + showtimeId + "/seats").then(function (r) { map.render(r.data); }),
      M.api("GET", "/api/admin/showtimes/" + showtimeId + "/bookings", undefined, auth()).then(function (r) {
        drawBookings(r.data || []);
      })
    ]).catch(failed);
  }
  function drawBookings(list) {
    var box = $("bookings");
    if (!list.length) { box.replaceChildren(M.el("p", "muted", "No bookings yet.")); return; }
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
  function open(id) {
    showtimeId = id;
    picked.clear();
    $("admin-show").hidden = false;
    var opt = $("a-cinema").selectedOptions[0];
    map.options.currency = currency = (opt && opt.dataset.currency) || currency;
    map.legend($("legend"), null, currency);
    $("a-title").textContent = "Seat map — " + (($("a-show").selectedOptions[0] || {}).textContent || id);
    if (watcher) watcher.close();
    watcher = M.watch(id, { onChange: refresh, onResync: refresh,
                            onState: function (s) { $("live").textContent = s === "live" ? "Live." : "Reconnecting…"; } });
    history.replaceState(null, "", "/admin?showtime=" + id);
    return refresh();
  }
  function blockAction(kind) {
    if (!picked.size) { say("Pick one or more seats on the map first."); return; }
    M.api("POST", "/api/admin/showtimes/" + showtimeId + "/" + kind, { seatIds: Array.from(picked), reason: "admin page" }, auth())
      .then(function (r) {
        say((kind === "block" ? "Blocked " : "Unblocked ") + r.data.count + " seat(s).", "ok");
        picked.clear();
        return refresh();
      }, failed);
  }
  $("block").addEventListener("click", function () { blockAction("block"); });
  $("unblock").addEventListener("click", function () { blockAction("unblock"); });

  // ---- demo mailbox: only shown when the server has one (GET /api/admin/mail)
  function loadMail() {
    if (!sessionStorage.getItem(KEY)) return;
    M.api("GET", "/api/admin/mail", undefined, auth()).then(function (r) {
      var items = Array.isArray(r.data) ? r.data : (r.data && (r.data.messages || r.data.items)) || [];
      var list = $("mail-list");
      list.replaceChildren();
      if (!items.length) list.appendChild(M.el("p", "muted", "The mailbox is empty."));
      items.slice(0, 50).forEach(function (m) {
        var d = M.el("details", "mail-item");
        d.appendChild(M.el("summary", null, (m.subject || "(no subject)") + " — to " + (m.to || "?") +
          (m.date ? " — " + m.date : "")));
        d.appendChild(M.el("pre", null, m.text || m.body || m.raw || ""));
        list.appendChild(d);
      });
      $("mail").hidden = false;
    }, function () { $("mail").hidden = true; });
  }

  var params = new URLSearchParams(location.search);
  loadCinemas().then(function () {
    if (params.get("showtime")) open(params.get("showtime"));
  }).catch(failed);
  loadMail();
})();
