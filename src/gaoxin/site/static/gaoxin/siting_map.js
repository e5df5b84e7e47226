// The siting map: the proposed sites with the people each adds, over the streets and areas.
(function () {
  var el = document.getElementById("siting-map");
  if (!el) return;
  var sites = JSON.parse(document.getElementById(el.dataset.sites).textContent);
  var map = L.map(el); map.attributionControl.setPrefix("Leaflet");
  fetch(el.dataset.layersUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
    L.geoJSON(d.streets, { style: { color: "#34495e", weight: 2, fill: false, dashArray: "6 4" } }).addTo(map);
    L.geoJSON(d.areas, { style: { color: "#b7950b", weight: 1, fillColor: "#f1c40f", fillOpacity: 0.5 }, pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 4 }); } }).addTo(map);
    var group = L.featureGroup(sites.map(function (s, i) {
      return L.marker([s.lat, s.lon], { title: "#" + (i + 1) + (s.name ? " " + s.name : "") }).bindTooltip("#" + (i + 1) + " +" + s.gain, { permanent: true, direction: "top" });
    })).addTo(map);
    if (group.getLayers().length) map.fitBounds(group.getBounds().pad(0.6), { maxZoom: 15 }); else map.setView([35.44, 116.71], 12);
    el.dataset.loaded = String(sites.length);
  });
})();
