// The siting map: the proposed sites with the people each adds, the existing facilities of the type that
// the model keeps (with their walking radius), over the zone's base map and its residential areas.
(function () {
  "use strict";
  var el = document.getElementById("siting-map");
  if (!el) return;
  var sites = JSON.parse(document.getElementById(el.dataset.sites).textContent);
  var S = JSON.parse(document.getElementById(el.dataset.strings).textContent);
  var radius = parseFloat(el.dataset.radius) || 0;
  var map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  map.setView([35.44, 116.65], 12);  // until the data is in
  Gaoxin.basemap(map, el.dataset.baseUrl);
  fetch(el.dataset.layersUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
    L.geoJSON(d.areas, {
      style: { color: "#b7950b", weight: 1, fillColor: "#f1c40f", fillOpacity: 0.45 },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 4 }); },
      onEachFeature: function (f, l) { l.bindTooltip(Gaoxin.esc(f.properties.name) + " · " + f.properties.population); }
    }).addTo(map);
    var existing = d.facilities.features.filter(function (f) {
      return f.properties.type === el.dataset.type && f.properties.status === "open";
    });
    existing.forEach(function (f) {
      var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      if (radius) L.circle(ll, { radius: radius, color: "#607d8b", weight: 1, fillOpacity: 0.06, interactive: false }).addTo(map);
      L.circleMarker(ll, { radius: 6, color: "#fff", weight: 2, fillColor: "#455a64", fillOpacity: 1 })
        .bindTooltip(S.existing + ": " + Gaoxin.esc(f.properties.name)).addTo(map);
    });
    var proposed = L.featureGroup(sites.map(function (s, i) {
      if (radius) L.circle([s.lat, s.lon], { radius: radius, color: "#1565c0", weight: 1, dashArray: "4 3", fillOpacity: 0.05, interactive: false }).addTo(map);
      return L.marker([s.lat, s.lon], { title: "#" + (i + 1) + (s.name ? " " + s.name : "") })
        .bindTooltip("#" + (i + 1) + (s.name ? " " + Gaoxin.esc(s.name) : "") + " · +" + s.gain + " " + S.people);
    })).addTo(map);
    Gaoxin.labels(map, sites.map(function (s, i) {
      return { lat: s.lat, lon: s.lon, text: "#" + (i + 1) + " +" + s.gain, cls: "gx-site-label", dy: 30 };
    }));
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "gx-legend");
      div.innerHTML = "<span class='dot' style='background:#455a64'></span>" + Gaoxin.esc(S.existing) + " (" + existing.length + ")<br>" +
        "<span class='dot' style='background:#1565c0'></span>" + Gaoxin.esc(S.proposed) + " (" + sites.length + ")" +
        (radius ? "<br><small>" + Gaoxin.esc(S.radius) + " " + radius + " m</small>" : "");
      return div;
    };
    legend.addTo(map);
    var bounds = proposed.getLayers().length ? proposed.getBounds().pad(0.6) : L.geoJSON(d.streets).getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 15, animate: false }); else map.setView([35.44, 116.71], 12);
    el.dataset.loaded = String(sites.length);
    el.dataset.existing = String(existing.length);
  });
})();
