/* A point picked on the map for a form's longitude and latitude fields: a click sets the point, the
   marker can be dragged, typed numbers move the marker. Drawn on the zone's own base map (offline). */
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  if (!el) return;
  var lon = document.getElementById(el.dataset.lon), lat = document.getElementById(el.dataset.lat);
  if (!lon || !lat) return;
  var map = L.map(el, { zoomSnap: 0.5 });
  map.attributionControl.setPrefix("Leaflet");
  var marker = null;
  function value(input) { var v = parseFloat(input.value); return isNaN(v) ? null : v; }
  function place(ll, moveView) {
    if (!marker) {
      marker = L.marker(ll, { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () { write(marker.getLatLng()); });
    } else {
      marker.setLatLng(ll);
    }
    if (moveView) map.setView(ll, Math.max(map.getZoom() || 0, 16));
  }
  function write(ll) {
    lon.value = ll.lng.toFixed(6);
    lat.value = ll.lat.toFixed(6);
    lon.dispatchEvent(new Event("change", { bubbles: true }));
  }
  map.on("click", function (e) { place(e.latlng, false); write(e.latlng); });
  [lon, lat].forEach(function (input) {
    input.addEventListener("input", function () {
      var x = value(lon), y = value(lat);
      if (x != null && y != null && Math.abs(y) <= 90 && Math.abs(x) <= 180) place([y, x], true);
    });
  });
  map.setView([35.44, 116.65], 12);  // until the zone's outline is in
  Gaoxin.basemap(map, el.dataset.baseUrl).then(function (d) {
    var x = value(lon), y = value(lat);
    if (x != null && y != null && Math.abs(y) <= 90 && Math.abs(x) <= 180) {
      place([y, x], false);
      map.setView([y, x], 16);
    } else if (d && d.zone) {
      map.fitBounds(L.geoJSON(d.zone).getBounds());
    }
  });
})();
