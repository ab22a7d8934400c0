// The query page: YASGUI set up for offline use against this server only, with one editor; the saved queries are
// a side list that loads a query into it.
(function () {
  "use strict";
  const script = document.getElementById("query-script");
  const endpoint = new URL(script.dataset.endpoint, window.location.href).href;
  const prefixes = new URL(script.dataset.prefixes, window.location.href).href;
  const saved = JSON.parse(document.getElementById("query-tabs").textContent);

  // No class/property suggestions from outside services: prefixes (our list) and variables only.
  // YASGUI merges arrays index by index, so the defaults are replaced in place, not merged.
  const completers = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.autocompleters.splice(0, Yasgui.Yasqe.defaults.autocompleters.length, ...completers);
  const catalogue = () => [{ endpoint: endpoint }];
  Yasgui.defaults.endpointCatalogueOptions.getData = catalogue;

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: catalogue },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    corsProxy: undefined,
    yasqe: { autocompleters: completers, prefixCcApi: prefixes, persistenceId: null },
    yasr: { pluginOrder: ["readable", "table", "response"], defaultPlugin: "readable", persistenceId: null },
  });
  // One editor: its tab shows the first saved query; the side list loads the others into it.
  const first = yasgui.getTab();
  yasgui.addTab(true, { name: "Query", yasqe: { value: saved[0].query }, requestConfig: { endpoint: endpoint } });
  if (first) first.close();
  const buttons = document.querySelectorAll("#saved button.saved-query");
  buttons.forEach((button) => {
    button.addEventListener("click", () => {
      const query = saved[Number(button.dataset.index)];
      yasgui.getTab().setQuery(query.query);
      buttons.forEach((b) => b.classList.toggle("current", b === button));
      yasgui.getTab().getYasqe().focus();
    });
  });
  // Our resources' IRIs in the raw table open this server's pages, not the (possibly remote) base IRI.
  const base = script.dataset.base;
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".yasr a[href]");
    if (!link || !base || !link.href.startsWith(base + "id/")) return;
    event.preventDefault();
    window.location.href = new URL(link.href.slice(base.length), window.location.href).href;
  });
  window.newsgraphYasgui = yasgui;
})();
