/* Document viewer: bring the cited passage into view and give it focus, so screen-reader and
   keyboard users land on it too. */
(function () {
  "use strict";
  function focusPassage() {
    var passage = document.querySelector("mark.passage");
    if (!passage) { return; }
    passage.setAttribute("tabindex", "-1");
    passage.scrollIntoView({ block: "center" });
    passage.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusPassage);
  } else {
    focusPassage();
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[href='#passage-1']");
    if (link) { e.preventDefault(); focusPassage(); }
  });
})();
