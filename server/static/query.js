// The query page: YASGUI set up for offline use against this server only.
(function () {
  "use strict";
  const script = document.getElementById("query-script");
  const endpoint = new URL(script.dataset.endpoint, window.location.href).href;
  const prefixes = new URL(script.dataset.prefixes, window.location.href).href;
  const tabs = JSON.parse(document.getElementById("query-tabs").textContent);

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
  });
  // Replace the default tab by one tab per ready-made query.
  const first = yasgui.getTab();
  tabs.forEach((tab, i) => {
    yasgui.addTab(i === 0, { name: tab.name, yasqe: { value: tab.query }, requestConfig: { endpoint: endpoint } });
  });
  if (first && tabs.length) first.close();
  // Our resources' IRIs in the results open this server's pages, not the (possibly remote) base IRI.
  const base = script.dataset.base;
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".yasr a[href]");
    if (!link || !base || !link.href.startsWith(base + "id/")) return;
    event.preventDefault();
    window.location.href = new URL(link.href.slice(base.length), window.location.href).href;
  });
  window.newsgraphYasgui = yasgui;
})();
