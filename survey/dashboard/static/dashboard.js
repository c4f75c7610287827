// Draws the charts from the figures the page already shows in tables (the tables are the accessible version).
// One chart per question, whatever its kind: bars with 95% intervals where the figures have them.
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.questions) return;
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.animation = reduceMotion ? false : Chart.defaults.animation;
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#1b1b1b";
  const percent = (v) => (v * 100).toFixed(0) + "%";
  const legend = { legend: { display: false } };

  function axis(chart) {
    if (chart.scale === "share") return { min: 0, max: 1, ticks: { callback: percent } };
    if (chart.scale === "points") return { min: 0, max: chart.max };
    return { min: 0 };
  }

  function draw(chart) {
    const canvas = document.getElementById(chart.id);
    if (!canvas) return;
    const withIntervals = chart.low.length > 0;
    new Chart(canvas, {
      type: withIntervals ? "barWithErrorBars" : "bar",
      data: {
        labels: chart.labels,
        datasets: [{
          label: chart.scale === "points" ? "Mean points" : chart.scale === "share" ? "Share" : "Respondents",
          backgroundColor: "#1d4f91",
          data: withIntervals
            ? chart.values.map((v, i) => ({
                x: v,
                xMin: chart.low[i] === null ? v : chart.low[i],
                xMax: chart.high[i] === null ? v : chart.high[i],
              }))
            : chart.values,
        }],
      },
      options: {
        indexAxis: withIntervals ? "y" : "x",
        maintainAspectRatio: false,
        scales: withIntervals ? { x: axis(chart) } : { y: axis(chart) },
        plugins: legend,
      },
    });
  }

  data.questions.forEach(draw);
  draw({
    id: "weeks-chart",
    scale: "count",
    labels: data.weeks.map((w) => w.week),
    values: data.weeks.map((w) => w.responses),
    low: [],
    high: [],
  });
})();
