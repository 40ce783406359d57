/* Booking page: cancel (two steps, so a stray click cannot cancel) and show the refund the API granted. */
(function () {
  "use strict";
  var M = window.Marquee;
  var ticket = document.getElementById("ticket");
  var btn = document.getElementById("cancel");
  if (!ticket || !btn) return;
  var result = document.getElementById("cancel-result");
  var currency = ticket.dataset.currency;
  var key = M.uuid(); // one key for this page: a double click or retry cancels (and refunds) once
  var reason = document.getElementById("cancel-reason");
  // the customer's categories come from the catalogue (GET /api/cancellation-reasons), so the page never lists
  // one the API would refuse; without them the form still cancels, as NOT_GIVEN
  M.api("GET", "/api/cancellation-reasons").then(function (r) {
    r.data.forEach(function (c) {
      if (c.code === "NOT_GIVEN") return;
      var o = document.createElement("option");
      o.value = c.code;
      o.textContent = c.label;
      reason.appendChild(o);
    });
  }, function () {});

  btn.addEventListener("click", function () {
    if (btn.dataset.armed !== "yes") {
      btn.dataset.armed = "yes";
      btn.textContent = "Yes, cancel my booking";
      M.show(result, "Are you sure? This cannot be undone.", "warn");
      return;
    }
    btn.disabled = true;
    M.api("POST", "/api/bookings/" + ticket.dataset.booking + "/cancel",
          { reason: "Cancelled by the customer on the website", reasonCategory: reason.value },
          { "Idempotency-Key": key })
      .then(function (r) {
        var amount = Number(r.data.refundAmount);
        M.show(result, "Your booking is cancelled and the seats are released. " +
          (amount > 0 ? "A refund of " + M.money(r.data.refundAmount, currency) + " is on its way to your card." :
            "Nothing was paid, so there is nothing to refund."), "ok");
        document.getElementById("status").textContent = "Status: Cancelled";
        btn.hidden = true;
        reason.disabled = true;
        var exchange = document.getElementById("exchange");  // a cancelled booking cannot be changed any more
        if (exchange) exchange.hidden = true;
        var policy = document.getElementById("cancel-policy");
        if (policy) policy.hidden = true;
      }, function (e) {
        btn.disabled = false;
        M.show(result, e.code === "CANCEL_TOO_LATE" ? "It is too close to the show to cancel: " + e.message + "." : e.message, "error");
      });
  });
})();
