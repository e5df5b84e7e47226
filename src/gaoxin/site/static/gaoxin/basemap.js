/* What every map of the platform shares, drawn from the zone's own data so that it works offline:
   - Gaoxin.basemap(map, url): a scale bar, the zone on a light ground, its streets from the walking
     network (major roads wider) and the 街道 with their names — under everything else;
   - Gaoxin.cluster(map): a layer that draws dense points as numbered clusters until one zooms in;
   - Gaoxin.labels(map, items): labels that do not overlap (a label that would is left out; its point
     keeps its tooltip).
   An intranet tile server (GAOXIN_MAP_TILE_URL), when configured, is drawn instead of the ground. */
(function () {
  "use strict";
  var G = (window.Gaoxin = window.Gaoxin || {});

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  G.esc = esc;

  G.basemap = function (map, url, opts) {
    var container = map.getContainer();
    var options = L.extend({ tiles: container.dataset.tileUrl || "" }, opts || {});
    if (options.tiles) {
      L.tileLayer(options.tiles, { attribution: container.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    L.control.scale({ imperial: false, maxWidth: 160 }).addTo(map);
    container.classList.add("gx-basemap");
    if (!map.getPane("gx-base")) map.createPane("gx-base").style.zIndex = 250;
    var renderer = L.canvas({ pane: "gx-base", padding: 0.3 });
    if (!url) return Promise.resolve(null);
    var ready = new Promise(function (resolve) { map.whenReady(resolve); });  // layers need a view
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { return d && ready.then(function () { return d; }); })
      .then(function (d) {
        if (!d) return null;
        var plain = { pane: "gx-base", renderer: renderer, interactive: false };
        if (d.zone && !options.tiles) {
          L.geoJSON(d.zone, L.extend({ style: { color: "#b3261e", weight: 1.5, fillColor: "#fbf9f3", fillOpacity: 1 } }, plain)).addTo(map);
        }
        L.geoJSON(d.minor, L.extend({ style: { color: "#d3d7dd", weight: 1 } }, plain)).addTo(map);
        L.geoJSON(d.major, L.extend({ style: { color: "#e9b872", weight: 3 } }, plain)).addTo(map);
        L.geoJSON(d.streets, L.extend({ style: { color: "#7b8794", weight: 1.2, dashArray: "5 4", fill: false } }, plain)).addTo(map);
        var names = d.streets.features
          .filter(function (f) { return f.properties.label && f.properties.label[0] != null; })
          .map(function (f) {
            return { lat: f.properties.label[1], lon: f.properties.label[0], text: f.properties.name, cls: "gx-street-label" };
          });
        G.labels(map, names, { minZoom: 11, maxZoom: 15 });
        return d;
      });
  };

  /* Labels placed greedily in order; one that would overlap a placed one is not drawn at this zoom. */
  G.labels = function (map, items, options) {
    options = options || {};
    if (!map.getPane("gx-labels")) {  // above the points, never in the way of a click
      var pane = map.createPane("gx-labels");
      pane.style.zIndex = 640;
      pane.style.pointerEvents = "none";
    }
    var group = L.layerGroup().addTo(map);
    function draw() {
      group.clearLayers();
      var z = map.getZoom();
      if ((options.minZoom != null && z < options.minZoom) || (options.maxZoom != null && z > options.maxZoom)) return;
      var boxes = [];
      items.forEach(function (it) {
        var p = map.latLngToLayerPoint([it.lat, it.lon]);
        var w = 14 * String(it.text).length + 10, h = 18;
        var box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
        for (var i = 0; i < boxes.length; i++) {
          var b = boxes[i];
          if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) return;
        }
        boxes.push(box);
        group.addLayer(L.marker([it.lat, it.lon], {
          interactive: false, keyboard: false, pane: "gx-labels",
          icon: L.divIcon({ className: "gx-label " + (it.cls || ""), html: esc(it.text), iconSize: [w, h], iconAnchor: [w / 2, h / 2 + (it.dy || 0)] })
        }));
      });
    }
    map.on("zoomend", draw);
    map.whenReady(draw);
    return { redraw: draw, group: group };
  };

  /* Points grouped on a grid of `cell` pixels below `showAllZoom`; a cluster shows its count and
     zooms to its points on a click. set(markers) replaces the points drawn. */
  G.cluster = function (map, options) {
    options = L.extend({ cell: 64, showAllZoom: 16 }, options || {});
    var group = L.layerGroup().addTo(map), markers = [];
    function draw() {
      group.clearLayers();
      var z = map.getZoom();
      if (z >= options.showAllZoom || markers.length < 60) {
        markers.forEach(function (m) { group.addLayer(m); });
        return;
      }
      var cells = {};
      markers.forEach(function (m) {
        var p = map.project(m.getLatLng(), z);
        var key = Math.floor(p.x / options.cell) + ":" + Math.floor(p.y / options.cell);
        (cells[key] = cells[key] || []).push(m);
      });
      Object.keys(cells).forEach(function (k) {
        var ms = cells[k];
        if (ms.length === 1) { group.addLayer(ms[0]); return; }
        var lat = 0, lon = 0;
        ms.forEach(function (m) { var ll = m.getLatLng(); lat += ll.lat; lon += ll.lng; });
        var size = ms.length < 10 ? 22 : ms.length < 100 ? 28 : 34;
        var c = L.marker([lat / ms.length, lon / ms.length], {
          icon: L.divIcon({ className: "gx-cluster", html: String(ms.length), iconSize: [size, size] }),
          title: String(ms.length)
        });
        c.on("click", function () {
          map.fitBounds(L.latLngBounds(ms.map(function (m) { return m.getLatLng(); })), { maxZoom: options.showAllZoom, padding: [30, 30] });
        });
        group.addLayer(c);
      });
    }
    map.on("zoomend", draw);
    return {
      group: group,
      set: function (list) { markers = list.slice(); if (map._loaded) draw(); else map.whenReady(draw); },
      redraw: draw,
      show: function (m, zoom) {
        map.setView(m.getLatLng(), Math.max(zoom || 17, options.showAllZoom), { animate: false });
        if (!group.hasLayer(m)) group.addLayer(m);
      }
    };
  };
})();
