/* The major projects on the zone's own map: each a point coloured by the year's investment completion
   against the even pace, its popup with the stage, the completion rate and the next milestone. */
(function () {
  "use strict";
  var el = document.getElementById("project-map");
  if (!el || !window.L) return;
  var S = JSON.parse(document.getElementById("project-strings").textContent);
  var expected = parseFloat(el.dataset.expected || "0");
  var map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  map.setView([35.42, 116.65], 12);
  Gaoxin.basemap(map, el.dataset.baseUrl);
  var esc = Gaoxin.esc;
  function colour(p) {
    if (p.rate == null) return "#90a4ae";
    if (p.rate >= expected) return "#2e7d32";
    return p.rate >= expected * 0.8 ? "#f9a825" : "#c62828";
  }
  fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 9, color: "#263238", weight: 1, fillColor: colour(f.properties), fillOpacity: 0.9 });
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindTooltip(esc(p.name));
        l.bindPopup("<b><a href=\"" + esc(p.url) + "\">" + esc(p.name) + "</a></b><br>" + esc(p.kind) + " · " + esc(S.stage) + ": " + esc(p.stage) +
          "<br>" + esc(S.rate) + ": " + (p.rate == null ? "—" : Math.round(p.rate * 100) + "%") +
          "<br>" + esc(S.next) + ": " + (p.next ? esc(p.next) + (p.late ? " ⚠" : "") : "—"));
      }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(layer.getBounds().pad(0.2), { animate: false }); }
    el.dataset.rendered = String(data.features.length);
  });
})();
