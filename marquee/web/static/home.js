/* Home: changing the cinema or date shows its films straight away (the form still works without JS). */
(function () {
  "use strict";
  var form = document.getElementById("pick");
  if (!form) return;
  ["cinema", "date"].forEach(function (id) {
    var field = document.getElementById(id);
    field.addEventListener("change", function () {
      if (id === "cinema") document.getElementById("date").disabled = true; // a new cinema starts at its today
      form.submit();
    });
  });
})();
