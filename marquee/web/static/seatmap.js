/* Seat map renderer shared by the booking and admin pages.
   Seats are <button>s placed on a CSS grid from the layout's x/y, so gaps in x or y show as aisles. The map is a
   labelled group of rows, each a group named "Row A" (screen readers announce the row as focus enters it), each
   seat a toggle button (aria-pressed) whose name says row, number, type, status and price; Tab and the arrow keys
   move between seats.
   Status and type are each shown three ways (colour, a pattern or letter, and the accessible name),
   because colour alone fails colour-blind users and screen readers. */
(function () {
  "use strict";

  var STATUS = {
    AVAILABLE: { label: "available", mark: "" },
    SELECTED: { label: "selected by you", mark: "✓" },
    LOCKED: { label: "held by another customer", mark: "…" },
    BOOKED: { label: "sold", mark: "✕" },
    BLOCKED: { label: "not for sale", mark: "—" }
  };
  var TYPE = {
    STANDARD: { label: "standard", mark: "" },
    PREMIUM: { label: "premium", mark: "P" },
    VIP: { label: "VIP", mark: "V" },
    WHEELCHAIR: { label: "wheelchair space", mark: "♿" }
  };
  var TYPE_ORDER = ["STANDARD", "PREMIUM", "VIP", "WHEELCHAIR"];
  var STATUS_ORDER = ["AVAILABLE", "SELECTED", "LOCKED", "BOOKED", "BLOCKED"];

  var money = function (a, c) { return window.Marquee.money(a, c); };

  function seatName(seat, row) {
    var t = TYPE[seat.type] || { label: String(seat.type).toLowerCase() };
    var s = STATUS[seat.status] || { label: String(seat.status).toLowerCase() };
    return "Row " + row + ", seat " + seat.seatNumber + ", " + t.label + ", " + s.label;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function SeatMap(container, options) {
    this.container = container;
    this.options = options || {};
    this.seats = {};      // id -> {seat, row, button}
    this.features = {};   // id -> companion / sales-channel facts (GET /api/showtimes/{id}/seat-features)
    this.map = null;
    container.addEventListener("click", this._onClick.bind(this));
    container.addEventListener("keydown", this._onKey.bind(this));
  }

  SeatMap.prototype.render = function (map) {
    var focusedId = document.activeElement && document.activeElement.dataset &&
      this.container.contains(document.activeElement) ? document.activeElement.dataset.seat : null;
    this.map = map;
    this.seats = {};
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    map.layout.rows.forEach(function (r) {
      r.seats.forEach(function (s) {
        minX = Math.min(minX, s.x); maxX = Math.max(maxX, s.x);
        minY = Math.min(minY, s.y); maxY = Math.max(maxY, s.y);
      });
    });
    var frag = document.createDocumentFragment();
    var cols = maxX - minX + 1;
    this.container.style.setProperty("--cols", String(cols + 2));
    var self = this;
    map.layout.rows.forEach(function (r) {
      if (!r.seats.length) return;
      var y = r.seats[0].y - minY + 1;
      // Each row is a named group ("Row A") of seat buttons; `display: contents` keeps its seats on the map's one
      // CSS grid. (A role=grid would need row/gridcell children and a single tab stop: not how this map works.)
      var row = el("div", "seat-row");
      row.setAttribute("role", "group");
      row.setAttribute("aria-label", "Row " + r.label);
      [1, cols + 2].forEach(function (col) {
        var lab = el("span", "row-label", r.label);
        lab.setAttribute("aria-hidden", "true");
        lab.style.gridRow = String(y); lab.style.gridColumn = String(col);
        row.appendChild(lab);
      });
      r.seats.forEach(function (s) {
        var b = el("button", "seat");
        b.type = "button";
        b.dataset.seat = s.id;
        b.style.gridRow = String(s.y - minY + 1);
        b.style.gridColumn = String(s.x - minX + 2);
        self.seats[s.id] = { seat: s, row: r.label, button: b };
        self._paint(s.id);
        row.appendChild(b);
      });
      frag.appendChild(row);
    });
    this.container.replaceChildren(frag);
    if (focusedId && this.seats[focusedId]) this.seats[focusedId].button.focus();
  };

  // What a customer must know about a seat beyond type and status: a companion seat kept for wheelchair
  // bookings, or a seat kept for another sales channel. Empty when nothing applies (or no longer applies).
  function featureNote(f) {
    if (!f) return "";
    var now = Date.now();
    if (f.companionOf && f.heldBackUntil && Date.parse(f.heldBackUntil) > now) {
      var t = new Date(f.heldBackUntil);
      return "companion seat for a wheelchair space, kept for wheelchair bookings until " +
        ("0" + t.getHours()).slice(-2) + ":" + ("0" + t.getMinutes()).slice(-2);
    }
    if (f.companionOf) return "companion seat for a wheelchair space";
    if (f.reservedForOtherChannel) return "kept for another sales channel";
    return "";
  }

  SeatMap.prototype.setFeatures = function (list) {
    var self = this;
    this.features = {};
    (list || []).forEach(function (f) { self.features[f.id] = f; });
    Object.keys(this.seats).forEach(function (id) { self._paint(id); });
  };

  SeatMap.prototype._paint = function (id) {
    var e = this.seats[id], s = e.seat, b = e.button;
    var note = featureNote(this.features[id]);
    b.className = "seat status-" + s.status.toLowerCase() + " type-" + String(s.type).toLowerCase() +
      (note ? (this.features[id].companionOf ? " companion" : " channel") : "");
    b.setAttribute("aria-label", seatName(s, e.row) + (note ? ", " + note : "") +
      (s.price !== null && s.price !== undefined && s.status === "AVAILABLE" ? ", " + money(s.price, this.options.currency) : ""));
    var picked = this.options.picked && this.options.picked.has(id); // operator's pick on the admin page
    b.setAttribute("aria-pressed", s.status === "SELECTED" || picked ? "true" : "false");
    if (picked) b.classList.add("picked");
    // Sold and blocked seats stay focusable (so the map can be explored) but announce they cannot be chosen.
    if ((s.status === "BOOKED" || s.status === "BLOCKED") && !this.options.picked) b.setAttribute("aria-disabled", "true");
    else b.removeAttribute("aria-disabled");
    // admin map: a seat whose ticket was scanned at the door (issue 19) says so, with a tick, in its name too
    var scan = this.checkedIn && this.checkedIn[id];
    if (scan) {
      b.classList.add("checked-in");
      b.setAttribute("aria-label", b.getAttribute("aria-label") + ", checked in" + (scan.door ? " at door " + scan.door : ""));
    }
    b.title = seatName(s, e.row) + (note ? ", " + note : "") + (scan ? ", checked in" : "");
    // a companion seat shows "C" (its type stays in the name): outline and letter, never colour alone
    var mark = (STATUS[s.status] || {}).mark || (note && this.features[id].companionOf ? "C" : "") ||
      (TYPE[s.type] || {}).mark || "";
    b.textContent = scan ? "✔" : mark;
  };

  // {seatId: {scannedAt, door}} of the seats checked in (admin page, from the check-in manifest); repaints
  SeatMap.prototype.setCheckedIn = function (bySeat) {
    var self = this;
    this.checkedIn = bySeat || {};
    Object.keys(this.seats).forEach(function (id) { self._paint(id); });
  };

  SeatMap.prototype.repaint = function (id) { if (this.seats[id]) this._paint(id); };
  SeatMap.prototype.seat = function (id) { return this.seats[id] ? this.seats[id].seat : null; };
  SeatMap.prototype.describe = function (id) {
    var e = this.seats[id];
    return e ? "Row " + e.row + ", seat " + e.seat.seatNumber : id;
  };
  SeatMap.prototype.ids = function (status) {
    var out = [];
    for (var id in this.seats) if (this.seats[id].seat.status === status) out.push(id);
    return out;
  };
  SeatMap.prototype.setStatus = function (ids, status) {
    var self = this;
    ids.forEach(function (id) { if (self.seats[id]) { self.seats[id].seat.status = status; self._paint(id); } });
  };

  SeatMap.prototype._onClick = function (ev) {
    var b = ev.target.closest("button.seat");
    if (!b || !this.options.onSeat) return;
    this.options.onSeat(b.dataset.seat, this.seats[b.dataset.seat].seat);
  };

  // Arrow keys move to the nearest seat in that direction (skipping aisles); Enter/Space are native button clicks.
  SeatMap.prototype._onKey = function (ev) {
    var dirs = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    var d = dirs[ev.key];
    var b = ev.target.closest && ev.target.closest("button.seat");
    if (!d || !b) return;
    var cur = this.seats[b.dataset.seat].seat, best = null, bestScore = Infinity;
    for (var id in this.seats) {
      var s = this.seats[id].seat, dx = s.x - cur.x, dy = s.y - cur.y;
      var along = dx * d[0] + dy * d[1];
      if (along <= 0) continue;
      var across = Math.abs(d[0] ? dy : dx);
      var score = along + across * 100; // stay in the same row/column when possible
      if (score < bestScore) { bestScore = score; best = id; }
    }
    if (best) { ev.preventDefault(); this.seats[best].button.focus(); }
  };

  SeatMap.prototype.legend = function (target, prices, currency) {
    var frag = document.createDocumentFragment();
    var st = el("ul", "legend-list");
    st.setAttribute("aria-label", "Seat status");
    STATUS_ORDER.forEach(function (k) {
      var li = el("li");
      var sw = el("span", "seat swatch status-" + k.toLowerCase() + " type-standard", STATUS[k].mark);
      sw.setAttribute("aria-hidden", "true");
      li.appendChild(sw);
      li.appendChild(el("span", null, STATUS[k].label.charAt(0).toUpperCase() + STATUS[k].label.slice(1)));
      st.appendChild(li);
    });
    var ty = el("ul", "legend-list");
    ty.setAttribute("aria-label", "Seat types and prices");
    TYPE_ORDER.forEach(function (k) {
      if (prices && !(k in prices)) return;
      var li = el("li");
      var sw = el("span", "seat swatch status-available type-" + k.toLowerCase(), TYPE[k].mark);
      sw.setAttribute("aria-hidden", "true");
      li.appendChild(sw);
      var text = TYPE[k].label.charAt(0).toUpperCase() + TYPE[k].label.slice(1);
      if (prices && prices[k] !== undefined) text += " " + money(prices[k], currency);
      li.appendChild(el("span", null, text));
      ty.appendChild(li);
    });
    var companion = el("li");
    var csw = el("span", "seat swatch status-available type-standard companion", "C");
    csw.setAttribute("aria-hidden", "true");
    companion.appendChild(csw);
    companion.appendChild(el("span", null, "Companion seat (kept for wheelchair bookings until shortly before the show)"));
    ty.appendChild(companion);
    var channel = el("li");
    var chsw = el("span", "seat swatch status-available type-standard channel");
    chsw.setAttribute("aria-hidden", "true");
    channel.appendChild(chsw);
    channel.appendChild(el("span", null, "Kept for another sales channel (dashed, faded)"));
    ty.appendChild(channel);
    frag.appendChild(st);
    frag.appendChild(ty);
    target.replaceChildren(frag);
  };

  window.Marquee = window.Marquee || {};
  window.Marquee.SeatMap = SeatMap;
  window.Marquee.el = el;
})();
