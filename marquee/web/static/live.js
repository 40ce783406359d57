/* Live seat updates: the SSE stream of the showtime (GET /api/showtimes/{id}/events). Any seat event or a
   "resync" makes the page refetch its map (the map is per viewer: my holds are SELECTED, others' LOCKED).
   If the stream is unavailable the page polls instead, so a map is never left stale. */
(function () {
  "use strict";
  var EVENT_NAMES = ["message", "seats", "seats:updated", "seat_changes", "seat_change", "update"];

  function watch(showtimeId, handlers) {
    var source = null, pollTimer = null, failures = 0, lastOpen = 0, closed = false;
    var state = handlers.onState || function () {};

    function poll() {
      if (pollTimer || closed) return;
      state("poll");
      pollTimer = setInterval(function () { handlers.onResync("poll"); }, handlers.pollMs || 3000);
    }

    function open() {
      if (closed) return;
      if (!window.EventSource) { poll(); return; }
      source = new EventSource("/api/showtimes/" + encodeURIComponent(showtimeId) + "/events");
      source.onopen = function () {
        // After any gap we may have missed events: refetch once on every (re)connection.
        if (lastOpen || failures) handlers.onResync("reconnect");
        lastOpen = Date.now(); failures = 0;
        if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
        state("live");
      };
      EVENT_NAMES.forEach(function (name) {
        source.addEventListener(name, function (ev) {
          var data = null;
          try { data = JSON.parse(ev.data); } catch (e) { /* keep-alives and plain text */ }
          if (data && data.showtimeId && data.showtimeId !== showtimeId) return;
          handlers.onChange(data);
        });
      });
      source.addEventListener("resync", function () { handlers.onResync("resync"); });
      source.onerror = function () {
        failures += 1;
        state("reconnecting");
        if (source.readyState === EventSource.CLOSED || failures >= 3) {
          // The browser gave up (e.g. 404, or no stream yet): retry slowly and poll meanwhile.
          source.close();
          poll();
          setTimeout(open, Math.min(30000, 2000 * failures));
        }
      };
    }

    open();
    return { close: function () { closed = true; if (source) source.close(); if (pollTimer) clearInterval(pollTimer); } };
  }

  window.Marquee = window.Marquee || {};
  window.Marquee.watch = watch;
})();
