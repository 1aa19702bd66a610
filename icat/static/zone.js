// Offers the browser's time zone beside a zone field when it differs from the saved one.
// It only fills the field when asked (a button); nothing is saved until the form is sent.
(function () {
  "use strict";
  var field = document.querySelector("[data-zone-field]");
  var offer = document.querySelector("[data-zone-offer]");
  if (!field || !offer || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === field.value) { return; }
  offer.querySelector("[data-zone-name]").textContent = zone;
  offer.hidden = false;
  offer.querySelector("[data-zone-use]").addEventListener("click", function () {
    field.value = zone;
    offer.hidden = true;
    field.focus();
  });
})();
