// The scenario map: sites added, facilities closed or moved, planned housing, areas whose gaps change.
(function () {
  "use strict";
  var el = document.getElementById("scenario-map");
  var d = JSON.parse(document.getElementById("scenario-map-data").textContent);
  var map = L.map(el); map.attributionControl.setPrefix("Leaflet");
  map.setView([35.44, 116.65], 12);  // until the data is in
  Gaoxin.basemap(map, el.dataset.baseUrl);
  var shown = L.featureGroup().addTo(map);
  function dot(p, color, text, r) {
    return L.circleMarker([p.lat, p.lon], { radius: r || 7, color: color, weight: 2, fillColor: color, fillOpacity: 0.7 }).bindTooltip(text).addTo(shown);
  }
  d.changed.forEach(function (p) { dot(p, p.before !== null && p.after > p.before ? "#c0392b" : "#27ae60", p.name + ": " + (p.before === null ? "—" : p.before) + " → " + p.after, 6); });
  d.housing.forEach(function (p) { dot(p, "#e67e22", p.name + " · " + p.population, 8); });
  d.closed.forEach(function (p) { dot(p, "#7f8c8d", "✕ " + p.name, 8); });
  d.moved.forEach(function (p) {
    L.polyline([[p.origin[1], p.origin[0]], [p.lat, p.lon]], { color: "#8e44ad", dashArray: "4 4" }).addTo(shown);
    dot(p, "#8e44ad", p.name, 8);
  });
  d.added.forEach(function (p, i) { L.marker([p.lat, p.lon], { title: p.name }).bindTooltip(p.name).addTo(shown); });
  // Choosing on the map: a click on an existing facility fills the facility fields (data-pick="code"),
  // a click elsewhere the longitude and latitude of the form last used (data-pick="lon" / "lat").
  var lastForm = null;
  document.querySelectorAll("[data-pick]").forEach(function (input) {
    input.addEventListener("focus", function () { lastForm = input.form; });
  });
  function fill(kind, value, form) {
    var scope = form || document;
    scope.querySelectorAll("[data-pick='" + kind + "']").forEach(function (i) { i.value = value; });
  }
  map.on("click", function (e) {
    var form = lastForm || (document.querySelector("[data-pick='lon']") || {}).form;
    if (!form) return;
    fill("lon", e.latlng.lng.toFixed(6), form);
    fill("lat", e.latlng.lat.toFixed(6), form);
  });
  fetch(el.dataset.layersUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (layers) {
    L.geoJSON(layers.streets, { style: { color: "#34495e", weight: 2, fill: false, dashArray: "6 4" } }).addTo(map).bringToBack();
    var types = d.types || [];
    layers.facilities.features.forEach(function (f) {
      var p = f.properties;
      if (types.indexOf(p.type) < 0 || p.status === "closed") return;
      var c = f.geometry.coordinates;
      L.circleMarker([c[1], c[0]], { radius: 6, color: "#fff", weight: 2, fillColor: "#455a64", fillOpacity: 0.9 })
        .bindTooltip(Gaoxin.esc(p.name) + " · " + Gaoxin.esc(p.code))
        .on("click", function (ev) { L.DomEvent.stopPropagation(ev); fill("code", p.code); })
        .addTo(map);
    });
    if (shown.getLayers().length) map.fitBounds(shown.getBounds().pad(0.4), { maxZoom: 15, animate: false }); else map.setView([35.44, 116.71], 12);
    el.dataset.loaded = String(shown.getLayers().length);
  });
})();
