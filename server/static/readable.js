// A YASR results plugin that shows SPARQL results as people read them: numbers and dates plain, our resources by
// their names (asked of this server's /names) linking to their pages, and a bar chart when the results are counts.
(function () {
  "use strict";
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const NUMBERS = ["integer", "decimal", "double", "float", "long", "int", "short", "nonNegativeInteger",
                   "positiveInteger", "unsignedInt"].map((t) => XSD + t);
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const MAX_BARS = 40;

  function plainDate(value) {
    const m = /^(-?\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d))?/.exec(value);
    if (!m) return value;
    const day = `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
    return m[4] && (m[4] !== "00" || m[5] !== "00") ? `${day} ${m[4]}:${m[5]}` : day;
  }

  function plainLiteral(term) {
    if (NUMBERS.includes(term.datatype)) return term.value;
    if (term.datatype === XSD + "date" || term.datatype === XSD + "dateTime") return plainDate(term.value);
    if (term.datatype === XSD + "boolean") return term.value === "true" ? "yes" : "no";
    return term.value;
  }

  class Readable {
    constructor(yasr) {
      this.yasr = yasr;
      this.label = "Readable";
      this.priority = 20;
      const script = document.getElementById("query-script");
      this.namesUrl = script ? script.dataset.names : "/names";
      this.base = script ? script.dataset.base : "";
    }

    canHandleResults() {
      const results = this.yasr.results;
      return !!results && !!results.getVariables && results.getVariables().length > 0 && !!results.getBindings();
    }

    getIcon() {
      const icon = document.createElement("span");
      icon.textContent = "Aa";
      return icon;
    }

    async names(iris) {
      if (!iris.length) return {};
      try {
        const reply = await fetch(this.namesUrl, { method: "POST", headers: { "Content-Type": "application/json" },
                                                    body: JSON.stringify(iris.slice(0, 2000)) });
        return reply.ok ? await reply.json() : {};
      } catch (error) {
        return {};
      }
    }

    cell(term, names) {
      const td = document.createElement("td");
      if (!term) return td;
      if (term.type === "uri") {
        const known = names[term.value] || {};
        const a = document.createElement("a");
        const ours = this.base && term.value.startsWith(this.base + "id/");
        a.href = known.href || (ours ? "/" + term.value.slice(this.base.length) : term.value);
        a.textContent = known.name || term.value;
        a.title = term.value;
        td.appendChild(a);
      } else {
        td.textContent = term.type === "literal" || term.type === "typed-literal" ? plainLiteral(term) : term.value;
        if (NUMBERS.includes(term.datatype)) td.className = "number";
      }
      return td;
    }

    async draw() {
      const vars = this.yasr.results.getVariables();
      const rows = this.yasr.results.getBindings();
      const iris = [...new Set(rows.flatMap((row) => vars.map((v) => row[v]).filter((t) => t && t.type === "uri")
        .map((t) => t.value)))];
      const names = await this.names(iris);
      const box = document.createElement("div");
      box.className = "readable";
      const table = document.createElement("table");
      table.className = "readable";
      const head = table.createTHead().insertRow();
      vars.forEach((v) => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
      const body = table.createTBody();
      rows.forEach((row) => {
        const tr = body.insertRow();
        vars.forEach((v) => tr.appendChild(this.cell(row[v], names)));
      });
      box.appendChild(table);
      const chart = this.chart(vars, rows, names);
      if (chart) box.appendChild(chart);
      this.yasr.resultsEl.appendChild(box);
    }

    // Bars for results that pair a name with a count (at most MAX_BARS rows).
    chart(vars, rows, names) {
      if (rows.length < 2 || rows.length > MAX_BARS) return null;
      const numeric = vars.filter((v) => rows.every((r) => r[v] && NUMBERS.includes(r[v].datatype)));
      const labels = vars.filter((v) => !numeric.includes(v));
      if (numeric.length !== 1 || !labels.length) return null;
      const count = numeric[0];
      const label = labels.find((v) => rows.every((r) => r[v] && r[v].type !== "uri")) || labels[0];
      const top = Math.max(...rows.map((r) => Number(r[count].value)), 1);
      const figure = document.createElement("figure");
      figure.className = "result-chart";
      rows.forEach((r) => {
        const line = document.createElement("div");
        line.className = "bar-line";
        const name = document.createElement("span");
        const term = r[label];
        name.textContent = term ? (term.type === "uri" ? (names[term.value] || {}).name || term.value : term.value) : "";
        const bar = document.createElement("span");
        bar.className = "bar";
        bar.style.width = `${(100 * Number(r[count].value)) / top}%`;
        const n = document.createElement("span");
        n.className = "n";
        n.textContent = r[count].value;
        line.append(name, bar, n);
        figure.appendChild(line);
      });
      const caption = document.createElement("figcaption");
      caption.textContent = `${count} by ${label}`;
      figure.appendChild(caption);
      return figure;
    }
  }

  Yasgui.Yasr.registerPlugin("readable", Readable);
  Yasgui.Yasr.defaults.pluginOrder = ["readable", "table", "response"];
  Yasgui.Yasr.defaults.defaultPlugin = "readable";
})();
