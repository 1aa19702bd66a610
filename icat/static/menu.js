// The header menu is open in the HTML, so it works without JavaScript (the links wrap); on a
// narrow screen this folds it behind its "Menu" button, and unfolds it again on a wide one.
(function () {
  "use strict";
  var menu = document.querySelector("[data-site-menu]");
  if (!menu || !window.matchMedia) { return; }
  var narrow = window.matchMedia("(max-width: 767px)");
  function fit() { menu.open = !narrow.matches; }
  fit();
  if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
  // Escape closes the language list or the menu and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.activeElement && document.activeElement.closest("details[open]");
    if (open && (open.classList.contains("language-switcher") || narrow.matches)) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
})();
