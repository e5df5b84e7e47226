// A request's place from the phone's location (the address field stays for those who prefer it).
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  var state = document.getElementById("location-state");
  if (!button || !navigator.geolocation) { if (button) { button.hidden = true; } return; }
  button.addEventListener("click", function () {
    state.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lon").value = pos.coords.longitude.toFixed(6);
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
      state.textContent = pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
    }, function (err) { state.textContent = err.message; }, { enableHighAccuracy: true, timeout: 10000 });
  });
})();
