/* The zone map: the zone's own GeoJSON layers on Leaflet, served locally. No base map unless an
   intranet tile server is configured (GAOXIN_MAP_TILE_URL). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el) return;
  var S = JSON.parse(document.getElementById("map-strings").textContent);
  var COLORS = {
    government: "#c0392b", convenience: "#e67e22", health: "#16a085", culture_sports: "#8e44ad",
    safety: "#2c3e50", welfare: "#d35400", education: "#2980b9", eldercare: "#7f8c2d"
  };
  var AREA_COLORS = { delivered: "#f1c40f", under_construction: "#e67e22", planned: "#95a5a6" };
  var map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  window.gaoxinMap = map;
  map.setView([35.44, 116.65], 12);  // until the data is in
  Gaoxin.basemap(map, el.dataset.baseUrl);
  var cluster = Gaoxin.cluster(map);
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function row(k, v) { return "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>"; }
  function url(base, id) { return base.replace(/0\/$/, id + "/"); }

  var layers = {}, facilityMarkers = [], index = [];
  fetch(el.dataset.layersUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    layers.streets = L.geoJSON(data.streets, {
      style: { color: "#34495e", weight: 2, fill: false, dashArray: "6 4" },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, { sticky: true }); }
    });
    layers.communities = L.geoJSON(data.communities, {
      style: { color: "#7f8c8d", weight: 1, fillOpacity: 0.03 },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 3, color: "#7f8c8d" }); },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindPopup("<b>" + esc(p.name) + "</b><table>" + row(S.code, p.code) + row(S.kind, p.kind) + row(S.street, p.street) + "</table>");
      }
    });
    layers.areas = L.geoJSON(data.areas, {
      style: function (f) { return { color: "#b7950b", weight: 1, fillColor: AREA_COLORS[f.properties.status] || "#f1c40f", fillOpacity: 0.55 }; },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 5 }); },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindPopup("<b>" + esc(p.name) + "</b><table>" + row(S.community, p.community) + row(S.street, p.street) +
          row(S.population, p.population) + row(S.households, p.households) + row(S.status, p.status_label) +
          "</table><a href='" + url(el.dataset.areaUrl, p.id) + "'>" + esc(S.details) + " →</a>");
        index.push({ name: p.name, code: p.code, layer: l, key: "area-" + p.id });
      }
    });
    data.facilities.features.forEach(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      var m = L.circleMarker([c[1], c[0]], {
        radius: 5, weight: 1, color: "#fff", fillColor: COLORS[p["class"]] || "#555", fillOpacity: p.status === "open" ? 0.95 : 0.4
      });
      m.feature = f;
      m.bindPopup("<b>" + esc(p.name) + "</b><table>" + row(S.type, p.type_label) + row(S.street, p.street) +
        row(S.status, p.status_label) + (p.capacity != null ? row(S.capacity, p.capacity) : "") + row(S.code, p.code) +
        "</table><a href='" + url(el.dataset.facilityUrl, p.id) + "'>" + esc(S.details) + " →</a>");
      facilityMarkers.push(m);
      index.push({ name: p.name, code: p.code, layer: m, key: "facility-" + p.id });
    });
    layers.facilities = cluster.group;
    ["streets", "areas"].forEach(function (k) { layers[k].addTo(map); });
    refreshFacilities();
    var bounds = layers.streets.getBounds();
    if (!bounds.isValid()) bounds = layers.areas.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10], animate: false }); else map.setView([35.44, 116.71], 12);
    el.dataset.loaded = String(data.facilities.features.length);
    focusFromHash();
  });

  function refreshFacilities() {
    var on = {};
    document.querySelectorAll("input[data-class]").forEach(function (i) { on[i.dataset["class"]] = i.checked; });
    var showAll = document.getElementById("show-closed").checked, counts = {}, shown = [];
    facilityMarkers.forEach(function (m) {
      var p = m.feature.properties;
      if (!on[p["class"]] || (!showAll && p.status !== "open")) return;
      counts[p["class"]] = (counts[p["class"]] || 0) + 1;
      shown.push(m);
    });
    cluster.set(shown);
    document.querySelectorAll("[data-count]").forEach(function (s) { s.textContent = counts[s.dataset.count] || 0; });
  }
  document.querySelectorAll("input[data-class], #show-closed").forEach(function (i) { i.addEventListener("change", refreshFacilities); });
  document.querySelectorAll("input[data-layer]").forEach(function (i) {
    i.addEventListener("change", function () {
      var l = layers[i.dataset.layer]; if (!l) return;
      if (i.checked) l.addTo(map); else map.removeLayer(l);
    });
  });
  function focus(item) {
    var l = item.layer;
    if (l.getLatLng) { cluster.show(l); }
    else { map.fitBounds(l.getBounds(), { maxZoom: 17 }); }
    l.openPopup();
  }
  function focusFromHash() {
    var key = location.hash.replace("#", "");
    if (!key) return;
    var item = index.find(function (i) { return i.key === key; });
    if (item) focus(item);
  }
  var search = document.getElementById("map-search"), results = document.getElementById("search-results");
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    results.innerHTML = "";
    if (q.length < 1) return;
    index.filter(function (i) { return i.name.toLowerCase().indexOf(q) >= 0 || i.code.toLowerCase().indexOf(q) >= 0; })
      .slice(0, 12).forEach(function (i) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = "#" + i.key; a.textContent = i.name;
        a.addEventListener("click", function (e) { e.preventDefault(); focus(i); });
        li.appendChild(a); results.appendChild(li);
      });
  });
})();
