"""The results.md section of the query benchmark (:mod:`bench.serving`): one table per size, and the issue-20
targets read off it."""

from __future__ import annotations

import statistics

from bench.common import fmt

OURS, OXIGRAPH, RDFLIB = "kg serve", "oxigraph serve", "rdflib-endpoint"
#: The cheap queries of the targets (8 clients: at least half Oxigraph's q/s; the lookup's p99 at most 10 ms).
CHEAP = ("bench/queries/b7-label.rq", "bench/queries/b8-two-hop.rq")
#: The heavy aggregates of the targets (at least Oxigraph's q/s cold, ten times it repeated).
HEAVY = (
    "bench/queries/b2-most-mentioned.rq",
    "bench/queries/b9-most-mentioned-people.rq",
    "bench/queries/b5-co-mentioned.rq",
)


def _ratio(cell: dict, mode: str, n: int, server: str = OXIGRAPH) -> float:
    """kg serve's q/s over ``server``'s in one cell (NaN when either did not answer)."""
    one = cell.get(f"{mode} {n}", {})
    ours, theirs = one.get(OURS, {}).get("qps", 0.0), one.get(server, {}).get("qps", 0.0)
    return ours / theirs if ours and theirs else float("nan")


def _value(cell: dict, key: str, server: str, field: str) -> str:
    one = cell.get(key, {}).get(server)
    if one is None:
        return "–"
    errors = f" ({one['errors']} err)" if one["errors"] else ""
    return fmt(one[field], 1) + errors if field == "qps" else fmt(one[field], 1)


def _table(size: dict) -> list[str]:
    servers = list(size["servers"])
    rdflib = RDFLIB in servers and "error" not in size["servers"][RDFLIB]
    head = (
        "| query (rows) | clients | kg cold q/s | kg cold p99 | oxigraph cold q/s | oxigraph p99 | **cold ratio** "
        "| kg repeated q/s | kg repeated p99 | oxigraph repeated q/s | **repeated ratio** |"
    )
    lines = [head + (" rdflib-endpoint cold q/s |" if rdflib else ""), "|---|---:|" + "---:|" * (9 + rdflib)]
    for name, info in size["queries"].items():
        rows = " / ".join(str(info["rows"].get(s, "–")) for s in servers if s in info["rows"])
        first = True
        for n in sorted(size["clients"]):
            cells = info["cells"]
            if f"cold {n}" not in cells and f"repeated {n}" not in cells:
                continue
            label = f"`{name.rsplit('/', 1)[-1]}` ({rows})" if first else ""
            first = False
            row = [
                label,
                str(n),
                _value(cells, f"cold {n}", OURS, "qps"),
                _value(cells, f"cold {n}", OURS, "p99_ms"),
                _value(cells, f"cold {n}", OXIGRAPH, "qps"),
                _value(cells, f"cold {n}", OXIGRAPH, "p99_ms"),
                fmt(_ratio(cells, "cold", n), 2),
                _value(cells, f"repeated {n}", OURS, "qps"),
                _value(cells, f"repeated {n}", OURS, "p99_ms"),
                _value(cells, f"repeated {n}", OXIGRAPH, "qps"),
                fmt(_ratio(cells, "repeated", n), 2),
            ]
            if rdflib:
                row.append(_value(cells, f"cold {n}", RDFLIB, "qps"))
            lines.append("| " + " | ".join(row) + " |")
    return lines


def targets(size: dict) -> list[str]:
    """The issue's targets at 8 clients, each with the figure and whether it is met."""
    queries = size["queries"]
    out = []

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    for name in CHEAP:
        if name in queries:
            cold, rep = _ratio(queries[name]["cells"], "cold", 8), _ratio(queries[name]["cells"], "repeated", 8)
            p99 = queries[name]["cells"].get("cold 8", {}).get(OURS, {}).get("p99_ms", float("nan"))
            line = (
                f"- `{name}` at 8 clients: {fmt(cold, 2)}× Oxigraph's q/s cold, {fmt(rep, 2)}× repeated "
                f"(target ≥ 0.5×: {verdict(cold >= 0.5)} cold, {verdict(rep >= 0.5)} repeated)"
            )
            if name.endswith("b7-label.rq"):
                line += f"; p99 {fmt(p99, 1)} ms cold (target ≤ 10 ms: {verdict(p99 <= 10)})"
            out.append(line)
    for name in HEAVY:
        if name in queries:
            cold, rep = _ratio(queries[name]["cells"], "cold", 8), _ratio(queries[name]["cells"], "repeated", 8)
            out.append(
                f"- `{name}` at 8 clients: {fmt(cold, 2)}× cold (target ≥ 1.0×: {verdict(cold >= 1.0)}), "
                f"{fmt(rep, 1)}× repeated (target ≥ 10×: {verdict(rep >= 10)})"
            )
    ratios = []
    for name, info in queries.items():
        for key in info["cells"]:
            mode, n = key.split()
            ratio = _ratio(info["cells"], mode, int(n))
            if ratio == ratio:  # not NaN
                ratios.append((ratio, name, key))
    if ratios:
        worst = min(ratios)
        slower = [f"`{n.rsplit('/', 1)[-1]}` {k}" for r, n, k in sorted(ratios) if r < 1 / 1.5]
        out.append(
            f"- slowest against Oxigraph: {fmt(worst[0], 2)}× (`{worst[1]}`, {worst[2]} clients); "
            f"cells below 1/1.5 = 0.67× (target: none): {len(slower)} of {len(ratios)}"
            + (f" ({', '.join(slower[:12])}{' ...' if len(slower) > 12 else ''})" if slower else "")
            + f"; median over all cells {fmt(statistics.median(r for r, _n, _k in ratios), 2)}×"
        )
        at8 = [(r, n, k) for r, n, k in ratios if k.endswith(" 8")]
        slow8 = [f"`{n.rsplit('/', 1)[-1]}` {k.split()[0]}" for r, n, k in sorted(at8) if r < 1 / 1.5]
        out.append(
            f"- at 8 clients (the clients of the targets): {len(slow8)} of {len(at8)} cells below 0.67×"
            + (f" ({', '.join(slow8)})" if slow8 else "")
        )
    for server, names in sorted(size.get("gave_up", {}).items()):
        if names:
            out.append(
                f"- {server} did not answer some requests of {len(names)} quer{'y' if len(names) == 1 else 'ies'} "
                f"within the client's timeout; it was started again and not sent them again: "
                + ", ".join(f"`{n.rsplit('/', 1)[-1]}`" for n in names)
            )
    memory = size.get("memory_8_clients")
    if memory:
        out.append(
            f"- `kg serve` memory at 8 clients (web process, fork server and workers): peak "
            f"{fmt(memory['pss_mib'], 0)} MiB proportional set (shared pages divided among the processes), "
            f"{fmt(memory['rss_mib'], 0)} MiB summed resident sets (target < 600 MiB: "
            f"{verdict(memory['pss_mib'] < 600)})"
        )
    return out


def report(r: dict) -> str:
    """The results.md section."""
    if "sizes" not in r:
        return "## 4. Queries: throughput and latency\n\n(An older format of this section: run it again.)\n"
    lines = ["## 4. Queries: throughput and latency", ""]
    first = r["sizes"][0] if r["sizes"] else {}
    lines += [
        f"Synthetic builds (bench/synth.py, seed 1, {first.get('sentences', '?')} sentences an article), kept "
        "between runs. All servers run side by side; each cell runs "
        f"{first.get('repeats', '?')} times on every server, the servers' order rotating, for "
        f"{fmt(first.get('seconds', float('nan')), 1)} s each; medians. *Cold*: every request a text never "
        "sent before (no cache can help); *repeated*: the same text back to back. Ratio: kg serve's q/s over "
        "Oxigraph's (above 1: kg serve answered more). Rows: the answer's size on each server (kg serve / "
        "oxigraph / rdflib-endpoint). `<urn:bench:entity>` of b7 and b8 is the most mentioned person. "
        "Skipped: "
        + (", ".join(f"`{q}`" for q in r.get("federated", [])) or "none")
        + " (federated queries measure the network).",
        "",
    ]
    for size in r["sizes"]:
        lines += [f"### {size['articles']:,} articles: {size['quads']:,} quads", ""]
        for name, info in size["servers"].items():
            lines.append(
                f"- {name}: "
                + (
                    f"could not be benchmarked: {info['error']}"
                    if "error" in info
                    else f"ready after {fmt(info['ready_s'], 1)} s"
                )
            )
        lines += ["", *targets(size), "", *_table(size), ""]
    return "\n".join(lines) + "\n"
