// The site's build of ECharts: only what docs/assets/charts.js draws (line and bar charts on a grid,
// with tooltip and legend, rendered as SVG), from the npm package's own modular entry points.
// `make vendor` bundles it with esbuild (pinned in package.json) into docs/assets/vendor/echarts.min.js,
// which charts.js loads as before (it reads window.echarts).  Measured with scripts/page_weight.py: the
// full dist/echarts.min.js is 1,122 KB, this build 563 KB (see BENCHMARKS.md).
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);
window.echarts = echarts;
