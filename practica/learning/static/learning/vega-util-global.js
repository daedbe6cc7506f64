/* The vendored vega-interpreter imports three helpers from vega-util. The vega bundle
 * (vendor/vega/vega.min.js, loaded first as a classic script) already carries them on
 * window.vega; this module hands them over, so nothing is loaded twice. */
const vega = window.vega;

export const ascending = vega.ascending;
export const isString = vega.isString;
export const DisallowedObjectProperties = vega.DisallowedObjectProperties;
