/* Operator login: POST /api/auth/login sets the session cookie (Secure, HttpOnly, SameSite=Strict); the page never
   keeps the token itself. Then back to the admin page (or the page that sent us here). */
(function () {
  "use strict";
  var M = window.Marquee;
  var $ = function (id) { return document.getElementById(id); };
  var next = new URLSearchParams(location.search).get("next") || "/admin";
  if (next.charAt(0) !== "/" || next.charAt(1) === "/") next = "/admin";  // only our own pages

  $("login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    M.api("POST", "/api/auth/login", { email: $("login-email").value.trim(), password: $("login-password").value })
      .then(function () { location.assign(next); }, function (e) {
        $("login-password").value = "";
        M.show($("login-message"), e.code === "INVALID_CREDENTIALS" ? "Wrong email or password." :
          e.code === "TOO_MANY_LOGIN_ATTEMPTS" ? "Too many failed attempts. Try again in " +
            ((e.details && e.details.retryAfterSeconds) || 60) + " seconds." : e.message, "error");
      });
  });
})();
