/* Dashboard charts (Apache ECharts, shipped in static/vendor). Each chart is a <div data-chart="id">
   whose data is a json_script element with that id: {type: "bars"|"stacked"|"lines", labels, series: [{name, values}], max,
   mark} (mark: a horizontal reference line, e.g. 100 for 100亿). */
(function () {
  "use strict";
  if (!window.echarts) return;
  var PALETTE = ["#43a047", "#e53935", "#1e88e5", "#fb8c00", "#8e24aa"];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    var horizontal = spec.type === "bars";
    var category = { type: "category", data: spec.labels, axisLabel: { interval: 0, fontSize: 11 } };
    var value = { type: "value", max: spec.max || null, axisLabel: { formatter: spec.unit ? "{value}" + spec.unit : "{value}" } };
    chart.setOption({
      color: PALETTE,
      animation: false,
      grid: { left: 10, right: 20, top: spec.series.length > 1 ? 30 : 10, bottom: 10, containLabel: true },  // the axis labels inside the chart
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: spec.series.map(function (s, i) {
        if (spec.type === "lines") {
          return { name: s.name, type: "line", data: s.values, connectNulls: true,
                   markLine: i === 0 && spec.mark ? { silent: true, symbol: "none", data: [{ yAxis: spec.mark }] } : undefined };
        }
        return { name: s.name, type: "bar", stack: spec.type === "stacked" ? "all" : undefined, data: s.values,
                 label: horizontal ? { show: true, position: "right", formatter: "{c}" + (spec.unit || "") } : undefined };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.rendered = "1";
  });
})();
