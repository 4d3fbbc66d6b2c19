// Refreshes the inference-server panel while its server is starting, running or stopping.
(function () {
  if (window.serverPanelFollowing) return; // the panel re-renders with this tag inside it
  window.serverPanelFollowing = true;
  async function refresh() {
    const panel = document.getElementById("server-panel");
    if (!panel || panel.dataset.active !== "true") return;
    try {
      // The panel's links lead back to this page, not to the fragment.
      const url = panel.dataset.refreshUrl + "?next=" + encodeURIComponent(location.pathname + location.search);
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(response.status);
      panel.outerHTML = await response.text();
    } catch (error) { /* the next refresh tries again */ }
    setTimeout(refresh, 3000);
  }
  setTimeout(refresh, 3000);
})();
