/* Console behaviour that needs script (everything works without it): focus the first error, and
   bring the cited passage of a document into view. */
(function () {
  "use strict";
  function ready() {
    var alert = document.querySelector(".alert-error, .field-error");
    var invalid = document.querySelector("[aria-invalid='true']");
    if (invalid) { invalid.focus(); } else if (alert && alert.id === "login-error") {
      var user = document.getElementById("username");
      if (user) { user.focus(); }
    }
    var passage = document.querySelector("mark.passage");
    if (passage) {
      passage.setAttribute("tabindex", "-1");
      passage.scrollIntoView({ block: "center" });
      passage.focus({ preventScroll: true });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
