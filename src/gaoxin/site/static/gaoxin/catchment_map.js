/* A catchment on the zone's own map: each school a square, each residential area a dot in its school's
   colour (red ring: beyond the radius; grey: no school), or the proposed sites of a new-school proposal.
   Data: the plan's GeoJSON (data-url) or a json_script element (data-source). */
(function () {
  "use strict";
  var el = document.getElementById("catchment-map");
  if (!el || !window.L) return;
  var PALETTE = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#f4511e", "#3949ab", "#c0ca33", "#6d4c41", "#d81b60"];
  var map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  map.setView([35.42, 116.65], 12);
  Gaoxin.basemap(map, el.dataset.baseUrl);
  var esc = Gaoxin.esc;
  var colours = {};
  function colour(id) {
    if (id == null) return "#9e9e9e";
    if (!(id in colours)) colours[id] = PALETTE[Object.keys(colours).length % PALETTE.length];
    return colours[id];
  }
  function draw(data) {
    data.features.forEach(function (f) { if (f.properties.kind === "school") colour(f.properties.id); });
    var layer = L.geoJSON(data, {
      pointToLayer: function (f, ll) {
        var p = f.properties;
        if (p.kind === "school" || p.kind === "proposed") {
          return L.marker(ll, { icon: L.divIcon({ className: "gx-school", html: "<span style=\"background:" + (p.kind === "proposed" ? "#d32f2f" : colour(p.id)) + "\">" + (p.kind === "proposed" ? esc(p.name) : "") + "</span>", iconSize: [16, 16] }) });
        }
        return L.circleMarker(ll, { radius: 5, weight: p.beyond ? 2 : 1, color: p.beyond ? "#d32f2f" : "#263238", fillColor: colour(p.school), fillOpacity: 0.85 });
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        var text = "<b>" + esc(p.name) + "</b>";
        if (p.kind === "area") text += "<br>" + esc(p.school_name || "—") + (p.walk != null ? " · " + p.walk + " m" : "") + "<br>" + p.children;
        else if (p.children != null) text += "<br>" + p.children + (p.places != null ? " / " + p.places : "");
        l.bindPopup(text);
      }
    }).addTo(map);
    if (data.features.length === 1) map.setView(layer.getBounds().getCenter(), 15, { animate: false });
    else if (data.features.length) map.fitBounds(layer.getBounds().pad(0.15), { animate: false });
    el.dataset.rendered = String(data.features.length);
  }
  if (el.dataset.source) {
    draw(JSON.parse(document.getElementById(el.dataset.source).textContent));
  } else {
    fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(draw);
  }
})();
