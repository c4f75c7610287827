// Draws the charts from the figures the page already shows in tables (the tables are the accessible version).
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.priorities) return;
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.animation = reduceMotion ? false : Chart.defaults.animation;
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#1b1b1b";
  const percent = (v) => (v * 100).toFixed(0) + "%";

  new Chart(document.getElementById("priorities-chart"), {
    type: "barWithErrorBars",
    data: {
      labels: data.priorities.map((p) => p.label),
      datasets: [{
        label: "Share naming it in their top three",
        backgroundColor: "#1d4f91",
        data: data.priorities.map((p) => ({
          x: p.share === null ? 0 : p.share,
          xMin: p.ci95 ? p.ci95[0] : 0,
          xMax: p.ci95 ? p.ci95[1] : 0,
        })),
      }],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: { x: { min: 0, max: 1, ticks: { callback: percent } } },
      plugins: { legend: { display: false } },
    },
  });

  new Chart(document.getElementById("facial-chart"), {
    type: "bar",
    data: {
      labels: data.facial.map((f) => f.label),
      datasets: [{ label: "Respondents", backgroundColor: "#1d4f91", data: data.facial.map((f) => f.count) }],
    },
    options: { maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });

  new Chart(document.getElementById("weeks-chart"), {
    type: "bar",
    data: {
      labels: data.weeks.map((w) => w.week),
      datasets: [{ label: "Responses", backgroundColor: "#1d4f91", data: data.weeks.map((w) => w.responses) }],
    },
    options: { maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
})();
