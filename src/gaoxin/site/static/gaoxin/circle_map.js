/* The circle map: residential areas coloured by completeness, facility layers by class, the walking
   isochrone of a clicked point, and the gaps list. All layers come from this server. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !el.dataset.resultsUrl) return;
  var S = JSON.parse(document.getElementById("map-strings").textContent);
  var COLORS = {
    government: "#c0392b", convenience: "#e67e22", health: "#16a085", culture_sports: "#8e44ad",
    safety: "#2c3e50", welfare: "#d35400", education: "#2980b9", eldercare: "#7f8c2d"
  };
  var map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  window.gaoxinMap = map;
  map.setView([35.44, 116.65], 12);  // until the data is in
  Gaoxin.basemap(map, el.dataset.baseUrl);
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function ramp(v) {  // 0 → red, 0.5 → amber, 1 → green
    if (v == null) return "#9e9e9e";
    if (v >= 0.999) return "#2e7d32";
    var a = [198, 40, 40], b = [249, 168, 37], c = [104, 159, 56], t, x, y;
    if (v < 0.5) { t = v / 0.5; x = a; y = b; } else { t = (v - 0.5) / 0.5; x = b; y = c; }
    return "rgb(" + [0, 1, 2].map(function (i) { return Math.round(x[i] + (y[i] - x[i]) * t); }).join(",") + ")";
  }
  var byId = {}, classLayers = {}, iso = null;
  fetch(el.dataset.resultsUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var areas = L.geoJSON(data, {
      style: function (f) { return { color: "#37474f", weight: 1, fillColor: ramp(f.properties.completeness), fillOpacity: 0.8 }; },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 6 }); },
      onEachFeature: function (f, l) {
        var p = f.properties, pct = p.completeness == null ? "—" : Math.round(p.completeness * 100) + "%";
        l.bindPopup("<b>" + esc(p.name) + "</b><br>" + esc(S.completeness) + " " + pct + " · " + esc(S.population) + " " + p.population +
          "<br>" + esc(S.missing) + ": " + (p.missing.length ? p.missing.map(esc).join("、") : esc(S.none)) +
          "<br><a href='" + el.dataset.reportUrl.replace(/0\/$/, p.id + "/") + "'>" + esc(S.report) + " →</a>");
        byId[p.id] = l;
      }
    }).addTo(map);
    if (areas.getBounds().isValid()) map.fitBounds(areas.getBounds(), { padding: [10, 10], animate: false });
    el.dataset.loaded = String(data.features.length);
  });
  fetch(el.dataset.layersUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    data.facilities.features.forEach(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      if (p.status !== "open") return;
      (classLayers[p["class"]] = classLayers[p["class"]] || []).push(
        L.circleMarker([c[1], c[0]], { radius: 4, weight: 1, color: "#fff", fillColor: COLORS[p["class"]] || "#555", fillOpacity: 0.95 })
          .bindTooltip(esc(p.name) + " · " + esc(p.type_label)));
    });
    showClasses();
  });
  var facilities = Gaoxin.cluster(map);
  function showClasses() {
    var shown = [];
    document.querySelectorAll("input[data-class]").forEach(function (i) {
      if (i.checked) shown = shown.concat(classLayers[i.dataset["class"]] || []);
    });
    facilities.set(shown);
  }
  document.querySelectorAll("input[data-class]").forEach(function (i) { i.addEventListener("change", showClasses); });
  map.on("click", function (e) {
    var d = document.getElementById("iso-distance").value;
    var who = document.getElementById("iso-profile");
    var url = el.dataset.isoUrl + "?lon=" + e.latlng.lng + "&lat=" + e.latlng.lat + "&distance=" + d +
      (who ? "&profile=" + encodeURIComponent(who.value) : "");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (g) {
      if (iso) map.removeLayer(iso);
      if (!g.geometry) return;
      iso = L.geoJSON(g, { style: { color: "#1565c0", weight: 2, fillOpacity: 0.15 }, interactive: false }).addTo(map);
      var whom = who && who.value !== "distance" ? " · " + who.options[who.selectedIndex].text : "";
      iso.bindTooltip(esc(S.walk) + " " + d + " m ≈ " + Math.round(d / 60) + " " + esc(S.minutes) + esc(whom), { permanent: true, direction: "top" });
      el.dataset.isochrone = "shown";
    });
  });
  document.querySelectorAll("#gaps a[data-area]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var l = byId[a.dataset.area]; if (!l) return;
      if (l.getBounds) map.fitBounds(l.getBounds(), { maxZoom: 16 }); else map.setView(l.getLatLng(), 16);
      l.openPopup();
    });
  });
})();
