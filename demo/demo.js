/* Demo host page only: gives the visitor an identity cookie, as a site's login would. */
(function () {
  if (!/(?:^|;\s*)visitor_id=/.test(document.cookie)) {
    var id = "demo-" + Math.random().toString(36).slice(2, 10);
    document.cookie = "visitor_id=" + id + "; path=/; max-age=31536000; SameSite=Lax";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var reset = document.getElementById("demo-reset");
    if (reset) reset.addEventListener("click", function () {
      document.cookie = "visitor_id=; path=/; max-age=0";
      location.reload();
    });
  });
})();
