// The plotly.js the dashboard serves (dashboard/static/plotly-kpi.min.js, built by `make plotly-bundle`): the core
// (which holds the scatter trace) and the trace types the figure builders draw. A new trace type in a figure must be
// added here; tests/test_dashboard_pages.py::test_dpage008 fails until it is.
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/funnel'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/pie'),
]);
module.exports = Plotly;
