// Improves the server-rendered countdown: recounts the days left in the reader's own day,
// and again after midnight. Without JavaScript the server's figure stands.
(function () {
  var el = document.getElementById("countdown");
  if (!el) return;
  function update() {
    var parts = el.dataset.date.split("-");
    var target = new Date(+parts[0], +parts[1] - 1, +parts[2]);
    var now = new Date();
    var today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    var days = Math.round((target - today) / 86400000);
    if (days < 0) return;
    el.textContent = days === 1 ? el.dataset.labelOne : el.dataset.labelMany.replace("NUM", days);
  }
  update();
  setInterval(update, 60000);
})();
