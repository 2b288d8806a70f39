// Niceties of the needs pages, each optional: the pages work without them.
// "Search near me": the phone's location, rounded to 2 decimals (about 1 km), added to the
// search form's GET as lat and lon, never kept. "Share": the phone's own share sheet.
(function () {
  "use strict";
  // Each form's "near me" button (the home page has two: an item's search and the sites' list).
  if (navigator.geolocation) {
    document.querySelectorAll("[data-near-me], [data-near-me-note]").forEach(function (shown) { shown.hidden = false; });
    document.querySelectorAll("[data-near-me]").forEach(function (near) {
      near.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (where) {
          var form = near.form;
          [["lat", where.coords.latitude], ["lon", where.coords.longitude]].forEach(function (pair) {
            var input = form.querySelector("input[name=" + pair[0] + "]") || document.createElement("input");
            input.type = "hidden";
            input.name = pair[0];
            input.value = pair[1].toFixed(2);
            form.appendChild(input);
          });
          form.submit();
        }, function () { near.hidden = true; }, {maximumAge: 600000, timeout: 10000});
      });
    });
  }
  var share = document.querySelector("[data-share]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({title: share.dataset.title, text: share.dataset.text, url: share.dataset.url})
        .catch(function () {});
    });
  }
})();
