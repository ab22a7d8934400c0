// The neighbourhood picture on entity pages (Cytoscape.js, vendored).
(function () {
  "use strict";
  const box = document.getElementById("graph");
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const colours = { person: "#7f6ee0", organization: "#3dbdbd", place: "#e9a93a", group: "#a25de0",
                    article: "#8a94a6", event: "#d9b500" };
  const elements = data.nodes.map((n) => ({ data: { id: n.id, label: n.label, href: n.href || "",
      kind: n.kind || "", colour: colours[n.kind] || "#9aa5b8", center: n.center ? 1 : 0 } }))
    .concat(data.edges.map((e, i) => ({ data: { id: "e" + i, source: e.source, target: e.target, label: e.label } })));
  const cy = cytoscape({
    container: box,
    elements: elements,
    maxZoom: 1.6,
    minZoom: 0.2,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 10,
          "text-valign": "bottom", "text-margin-y": 3, width: 18, height: 18, "text-wrap": "ellipsis", "text-max-width": 140 } },
      { selector: "node[center = 1]", style: { width: 30, height: 30, "font-size": 12, "font-weight": "bold",
          "border-width": 3, "border-color": "#1d2330" } },
      { selector: "edge", style: { width: 1.2, "line-color": "#c3cad6", "target-arrow-color": "#c3cad6",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)", "font-size": 7,
          color: "#6b7486", "text-rotation": "autorotate" } },
    ],
    layout: { name: "concentric", animate: false, padding: 30, minNodeSpacing: 70,
              concentric: (n) => n.data("center") ? 2 : 1, levelWidth: () => 1 },
  });
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.href = href;
  });
  box.dataset.nodes = String(cy.nodes().length);
  box.dataset.edges = String(cy.edges().length);
  window.newsgraphCy = cy;
})();
