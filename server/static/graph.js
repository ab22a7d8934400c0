// The neighbourhood picture of resource pages (Cytoscape.js, vendored): the resource in the middle, its neighbours
// (at most 25 nodes, chosen by the server) in two columns grouped by kind, labels at a readable size.
(function () {
  "use strict";
  const box = document.getElementById("graph");
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const colours = { person: "#7f6ee0", organization: "#2fa3a3", group: "#a25de0", place: "#e09a1f",
                    post: "#5b8bd6", tenure: "#5b8bd6", event: "#c9a400", article: "#8a94a6" };
  const around = data.nodes.filter((n) => !n.center);
  // Two columns of neighbours, in kind order (the server sends them so), labels outside: each kind is a run of
  // rows of one colour, and every label reads on one line.
  const half = Math.ceil(around.length / 2);
  const step = 34;
  const positions = {};
  const sides = {};
  data.nodes.forEach((n) => { if (n.center) positions[n.id] = { x: 0, y: 0 }; });
  around.forEach((n, i) => {
    const left = i < half;
    const row = left ? i : i - half;
    const rows = left ? half : around.length - half;
    positions[n.id] = { x: left ? -110 : 110, y: (row - (rows - 1) / 2) * step };
    sides[n.id] = left ? "left" : "right";
  });
  const elements = data.nodes.map((n) => ({
    data: { id: n.id, label: n.label, href: n.href || "", kind: n.kind || "", colour: colours[n.kind] || "#9aa5b8",
            center: n.center ? 1 : 0, more: n.more ? 1 : 0, side: sides[n.id] || "" },
    position: positions[n.id],
  })).concat(data.edges.map((e, i) => ({ data: { id: "e" + i, source: e.source, target: e.target, label: e.label } })));
  const cy = cytoscape({
    container: box,
    elements: elements,
    maxZoom: 2,
    minZoom: 0.3,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 14,
          color: "#1d2330", "text-valign": "center", width: 16, height: 16, "text-wrap": "ellipsis",
          "text-max-width": 200, "text-background-color": "#ffffff", "text-background-opacity": 0.85,
          "text-background-padding": 1 } },
      { selector: "node[side = 'left']", style: { "text-halign": "left", "text-margin-x": -6 } },
      { selector: "node[side = 'right']", style: { "text-halign": "right", "text-margin-x": 6 } },
      { selector: "node[center = 1]", style: { width: 30, height: 30, "font-size": 14, "font-weight": "bold",
          "border-width": 3, "border-color": "#1d2330", "text-valign": "top", "text-margin-y": -6, "text-wrap": "wrap",
          "text-max-width": 200 } },
      { selector: "node[more = 1]", style: { shape: "round-rectangle", width: 16, height: 16, "font-style": "italic",
          "background-opacity": 0.45, color: "#5b6475" } },
      { selector: "edge", style: { width: 1, "line-color": "#c3cad6", "curve-style": "straight" } },
      { selector: "node:active, node.hover", style: { "overlay-opacity": 0.12 } },
    ],
    layout: { name: "preset", fit: true, padding: 40 },
  });
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.href = href;
  });
  cy.on("mouseover", "node", (event) => { if (event.target.data("href")) box.style.cursor = "pointer"; });
  cy.on("mouseout", "node", () => { box.style.cursor = ""; });
  box.dataset.nodes = String(cy.nodes().length);
  box.dataset.edges = String(cy.edges().length);
  window.newsgraphCy = cy;
})();
