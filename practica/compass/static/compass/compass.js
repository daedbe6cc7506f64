/* The compass page: Vega-Lite charts of the monthly series and a WebGL map of the reply
 * graph (sigma.js over graphology). Data comes from json_script blocks the server wrote;
 * nothing is fetched. Without JavaScript the tables on the page carry the same figures.
 *
 * An ES module: Vega's expressions run through the vendored vega-interpreter (the learning
 * app's copy, see its VERSION note) instead of `new Function`, so the page keeps the strict
 * Content-Security-Policy (no 'unsafe-eval'). A module runs after the classic deferred
 * scripts before it, so window.vegaEmbed, window.graphology and window.Sigma are there. */
import { expressionInterpreter } from "../learning/vendor/vega-interpreter/vega-interpreter.js";

(function () {
  "use strict";

  var PALETTE = ["#1f6f78", "#d1495b", "#edae49", "#66a182", "#5c4d7d", "#2e86ab",
                 "#f18f01", "#8c5e58", "#3b8ea5", "#a23b72"];
  var OTHER = "#9aa5ad";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function embed(id, spec) {
    var el = document.getElementById(id);
    if (!el || typeof window.vegaEmbed !== "function") return;
    spec.$schema = "https://vega.github.io/schema/vega-lite/v6.json";
    spec.width = "container";
    spec.height = spec.height || 180;
    spec.config = { view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 },
                    legend: { orient: "bottom", labelFontSize: 11, title: null, columns: 2,
                              labelLimit: 220 } };
    var options = {
      actions: false, // keeps the "open in editor" links, which would leave the site, away
      renderer: "svg",
      ast: true,
      expr: expressionInterpreter,
      // No inline <style> elements (the policy allows styles from this site only): the
      // embed's and the tooltip's rules are in compass.css instead.
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true }
    };
    window.vegaEmbed(el, spec, options).catch(function (err) {
      el.textContent = "The chart could not be drawn: " + err.message;
    });
  }

  function lines(id, rows, columns, share) {
    var y = { field: "value", type: "quantitative", title: null };
    if (share) { y.scale = { domain: [0, 1] }; y.axis = { format: "%" }; }
    embed(id, {
      data: { values: rows },
      transform: [{ fold: columns.map(function (c) { return c[0]; }), as: ["key", "value"] },
                  { calculate: labelExpr(columns), as: "figure" }],
      mark: { type: "line", point: rows.length < 40, interpolate: "monotone" },
      encoding: {
        x: { field: "month", type: "temporal", timeUnit: "yearmonth", title: null },
        y: y,
        color: { field: "figure", type: "nominal", scale: { range: PALETTE } },
        tooltip: [{ field: "month", type: "temporal", timeUnit: "yearmonth", title: "month" },
                  { field: "figure", type: "nominal" },
                  { field: "value", type: "quantitative", format: share ? ".0%" : "," }]
      }
    });
  }

  function labelExpr(columns) {
    // A Vega expression mapping each folded column to its label.
    return columns.reduceRight(function (acc, c) {
      return "datum.key === " + JSON.stringify(c[0]) + " ? " + JSON.stringify(c[1]) + " : " + acc;
    }, "datum.key");
  }

  function charts() {
    var data = readJSON("compass-charts");
    if (!data) return;
    var rows = data.series;
    lines("chart-people", rows, [["contributors", "contributors"], ["newcomers", "newcomers"],
                                 ["returning", "returning"]], false);
    lines("chart-responsiveness", rows, [["answered_30d_share", "answered"],
                                         ["resolved_30d_share", "resolved"]], true);
    lines("chart-trust", rows, [["reciprocity_12m", "reciprocity"],
                                ["repeated_pair_share_12m", "repeated pairs"],
                                ["ask_and_answer_share_12m", "ask and answer"],
                                ["retention_90d_12m", "newcomers back in 90 days"]], true);
    lines("chart-cohorts", data.cohorts, [["retention_90d", "came back within 90 days"],
                                          ["reached_core_share", "now in the core"]], true);
    var labels = { network: data.stages[0], community_of_practice: data.stages[1],
                   system_of_influence: data.stages[2] };
    embed("chart-stage", {
      height: 110,
      data: { values: rows.map(function (r) { return { month: r.month, stage: labels[r.stage] }; }) },
      mark: { type: "line", interpolate: "step-after", point: rows.length < 40 },
      encoding: {
        x: { field: "month", type: "temporal", timeUnit: "yearmonth", title: null },
        y: { field: "stage", type: "ordinal", sort: data.stages.slice().reverse(), title: null,
             scale: { domain: data.stages.slice().reverse() } },
        color: { value: PALETTE[0] },
        tooltip: [{ field: "month", type: "temporal", timeUnit: "yearmonth" }, { field: "stage" }]
      }
    });
  }

  function networkMap() {
    var data = readJSON("compass-map-data");
    var container = document.getElementById("compass-map");
    if (!data || !container || !window.graphology || !window.Sigma) return;
    var Graph = window.graphology.Graph || window.graphology;
    var graph = new Graph({ type: "undirected", multi: false });
    var tip = document.getElementById("compass-map-tip");
    // Nodes come as rows of values under data.fields (compact); make them objects here.
    var people = data.nodes.map(function (values) {
      var n = {};
      data.fields.forEach(function (field, k) { n[field] = values[k]; });
      n.role_label = data.roles[n.role] || n.role;
      return n;
    });
    people.forEach(function (n, i) {
      var broker = n.role === "broker";
      graph.addNode(String(i), {
        x: n.x, y: 1 - n.y,
        size: (broker ? 7 : 2) + Math.log2(1 + n.connections),
        color: broker ? "#111" : (n.cluster !== null && n.cluster < PALETTE.length ? PALETTE[n.cluster] : OTHER),
        label: broker ? n.name : null,
        forceLabel: broker,
        person: n
      });
    });
    data.edges.forEach(function (e) {
      var a = String(e[0]), b = String(e[1]);
      if (!graph.hasEdge(a, b)) graph.addEdge(a, b, { size: Math.min(4, 0.4 + Math.log2(e[2])), color: "#c9d1d6" });
    });
    var renderer = new window.Sigma(graph, container, { renderEdgeLabels: false, labelRenderedSizeThreshold: 9 });
    function describe(p) {
      return p.name + ": " + p.role_label + "; " + p.connections + " connections" +
        (p.cluster !== null ? ", cluster " + p.cluster : "") +
        (p.newcomer ? ", newcomer" : "");
    }
    renderer.on("enterNode", function (event) {
      tip.textContent = describe(graph.getNodeAttribute(event.node, "person"));
    });
    renderer.on("leaveNode", function () { tip.textContent = ""; });
  }

  function start() {
    charts();
    try { networkMap(); } catch (err) {
      var tip = document.getElementById("compass-map-tip");
      if (tip) tip.textContent = "The map could not be drawn here (it needs WebGL); the table lists everyone shown.";
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
