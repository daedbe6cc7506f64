/* The run chart of an experiment: the Vega-Lite spec the server wrote (json_script), drawn
 * with the vendored vega-embed. Nothing is fetched. Without JavaScript the table under the
 * chart carries the same values.
 *
 * Vega's expressions run through vega-interpreter (ast: true) rather than `new Function`,
 * so the page keeps a Content-Security-Policy without 'unsafe-eval'. A module script runs
 * after the classic deferred scripts before it, so window.vegaEmbed is there. */
import { expressionInterpreter } from "./vendor/vega-interpreter/vega-interpreter.js";

function draw() {
  const el = document.getElementById("run-chart");
  const source = document.getElementById("run-chart-spec");
  if (!el || !source || typeof window.vegaEmbed !== "function") return;
  const spec = JSON.parse(source.textContent);
  const narrow = el.clientWidth < 600;
  // A faceted chart cannot size itself to its container: give each panel the width the
  // page has, less room for the axis and the legend.
  if (spec.spec) spec.spec.width = Math.max(200, el.clientWidth - (narrow ? 70 : 220));
  spec.config = {
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 11 },
    legend: { orient: narrow ? "bottom" : "right", labelFontSize: 11, titleFontSize: 11 },
    header: { labelFontSize: 13, labelFontWeight: "bold", labelAngle: 0, labelAlign: "left",
              labelAnchor: "start", labelOrient: "top" },
  };
  const options = {
    actions: false, // keeps the "open in editor" links, which would leave the site, away
    renderer: "svg",
    ast: true,
    expr: expressionInterpreter,
    // No inline <style> elements (the CSP allows styles from this site only): the embed's
    // and the tooltip's rules are in learning.css instead.
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
  };
  window.vegaEmbed(el, spec, options).catch((err) => {
    el.textContent = `The chart could not be drawn (${err.message}); the table below has the values.`;
  });
}

draw();
