/* Parcels coloured by their main user's 亩产效益 class, outlined when idle or low-efficiency.
   The zone's own data only (no base map unless configured elsewhere); works offline. */
(function () {
  "use strict";
  var el = document.getElementById("land-map");
  if (!el || !window.L) return;
  var FILL = { A: "#2e7d32", B: "#1e88e5", C: "#fb8c00", D: "#c62828", T: "#90a4ae", "": "#cfd8dc" };
  var S = JSON.parse(document.getElementById("land-strings").textContent);
  var map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  map.setView([35.44, 116.65], 12);  // until the data is in
  Gaoxin.basemap(map, el.dataset.baseUrl);
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function style(f) {
    var p = f.properties;
    return {
      color: p.idle ? "#b71c1c" : (p.low.length ? "#ef6c00" : "#546e7a"),
      weight: p.idle || p.low.length ? 3 : 1,
      dashArray: !p.idle && p.low.length ? "5 4" : null,
      fillColor: FILL[p.klass] || FILL[""], fillOpacity: 0.6
    };
  }
  fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      style: style,
      pointToLayer: function (f, ll) { return L.circleMarker(ll, Object.assign(style(f), { radius: 6 })); },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindPopup("<b>" + esc(p.code) + "</b> · " + esc(p.park) + "<br>" + esc(p.area_mu) + " " + esc(S.mu) +
          "<br>" + esc(p.users) + (p.klass ? "<br>" + esc(S.klass) + " " + esc(p.klass) : "") +
          (p.idle ? "<br><b>" + esc(p.idle_label) + "</b>" + (p.reclaimable ? " · " + esc(S.reclaimable) : "") : "") +
          (p.low.length ? "<br>" + esc(p.low.join("; ")) : ""));
      }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10], animate: false }); } else { map.setView([35.41, 116.65], 12); }
    el.dataset.rendered = String(data.features.length);
  });
})();
