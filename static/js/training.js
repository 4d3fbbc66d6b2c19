// Refreshes a training's status and loss chart while it is active (no reload, no libraries).
(function () {
  const box = document.getElementById("training-status");
  if (!box || box.dataset.active !== "true") return;
  const chart = document.getElementById("training-chart");
  async function refresh() {
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.status);
      const data = await response.json();
      box.innerHTML = data.status_html;
      chart.innerHTML = data.chart_html;
      if (!data.active) { box.dataset.active = "false"; return; }
    } catch (error) { /* the next refresh tries again */ }
    setTimeout(refresh, 2000);
  }
  setTimeout(refresh, 2000);
})();
