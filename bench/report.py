"""The Markdown report of one bench run, from the results that go to ``bench.json``."""

from __future__ import annotations

from typing import Any

from measure import OPTIONS, UNSEEN
from peers import PEERS

from service.config import Settings

_DEFAULTS = Settings()


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}{unit}"
        return f"{value:.1f}{unit}"
    return f"{value}{unit}"


def markdown(results: dict[str, Any]) -> str:
    by_case = {row["case"]: row for row in results["latency"]}
    lines = _header(results["meta"])
    lines += _latency_table(results["latency"])
    lines += _peers_table(results["peers"], by_case)
    floor = results.get("encoder_floor")
    if floor:
        lines += _floor_table(floor, by_case)
    if results["throughput"]:
        lines += _throughput_table(results["throughput"], results["meta"]["cpus"])
    if results["growth"]:
        lines += _growth_table(results["growth"])
    errors = _errors(results)
    if errors:
        lines.append("\n### Errors and notes\n")
        lines += [f"- {error}" for error in errors]
    lines.append(f"\nTotal bench time: {results['meta']['elapsed_s']:.0f} s.")
    return "\n".join(lines)


def _header(meta: dict[str, Any]) -> list[str]:
    return [
        f"## Benchmarks ({'quick' if meta['quick'] else 'full'}; {meta['cpus']} CPUs, "
        f"{meta['python']}, {meta['git']})\n",
        f"Load average (1 min) at start {meta['loadavg_start'][0]}, at end "
        f"{meta['loadavg_end'][0]}: anything well above 0 means other processes shared "
        "the CPUs and every number below is inflated by it.\n",
        "Latency over HTTP on loopback, ms, WEB_CONCURRENCY=2, OMP_NUM_THREADS=1, a fresh server "
        "per case, warmed up by 4 lexical requests about another story (a DUC 2004 cluster). "
        "**cold** = the first request of that option about this story (empty embedding "
        "cache, sentences and words never seen); **warm** = repeats whose response reports no "
        "embedding-cache miss (hybrid) or article-cache miss (lexical); **lexical, articles "
        "unseen** = lexical requests whose articles each end with a line of their own "
        '("Ref 12"), so segmentation runs every time (words known). Memory = the server\'s '
        "peak summed PSS over master + workers (a shared page counted once: what a "
        "container's limit meets), then its peak summed RSS and sum of VmHWM in brackets "
        "(these count shared pages once per process); sampled every 0.2 s.\n",
    ]


def _latency_table(latency: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| case | articles | sentences | similarity | cold | warm p50 | warm p95 | warm min "
        "| warm n | server PSS MiB (RSS, VmHWM) |",
        "|---|--:|--:|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in latency:
        lines += _latency_rows(row)
    raised = sorted({k + "=" + v for row in latency for k, v in row.get("server_env", {}).items()})
    if raised:
        lines.append(
            "\nThe wire cases ran on a server with " + ", ".join(raised) + " so that they are "
            f"measured rather than refused (the defaults: {_DEFAULTS.max_sentences_considered:,} "
            f"sentences, {_DEFAULTS.request_timeout_seconds:g} s); the case at the limit ran on "
            "the defaults."
        )
    if any(opt.get("cold_other_worker_ms") for row in latency for opt in row["options"].values()):
        lines.append(
            "\nNumbers in brackets after a cold time: repeats that landed on the second worker "
            "before it had seen the sentences (hybrid) or the articles (lexical): cold there too."
        )
    return lines


def _latency_rows(row: dict[str, Any]) -> list[str]:
    """One case's rows, an option each; the case's own cells on the first only."""
    rss = row.get("rss") or {}
    lines = []
    for index, (label, _) in enumerate(OPTIONS):
        opt = row["options"].get(label, {})
        warm = opt.get("warm", {})
        cold = fmt(opt.get("cold_ms"))
        if opt.get("cold_other_worker_ms"):
            cold += " (" + ", ".join(fmt(v) for v in opt["cold_other_worker_ms"]) + ")"
        first = index == 0
        lines.append(
            f"| {row['case'] if first else ''} | {row['articles'] if first else ''} "
            f"| {row['sentences'] if first else ''} | {label} | {cold} "
            f"| {fmt(warm.get('p50_ms'))} | {fmt(warm.get('p95_ms'))} "
            f"| {fmt(warm.get('min_ms'))} "
            f"| {warm.get('n', 0)} | "
            + (
                f"{fmt(rss.get('peak_sum_pss_mib'))} ({fmt(rss.get('peak_sum_rss_mib'))}, "
                f"{fmt(rss.get('sum_vmhwm_mib'))})"
                if first
                else ""
            )
            + " |"
        )
    return lines


def _peers_table(peers_by_case: dict[str, Any], by_case: dict[str, Any]) -> list[str]:
    lines = [
        "\n### Peers, in-process on the same texts (ms; median of repeats, one run for the "
        "large clusters)\n",
        "Peers see the service's own sentence split; their time includes splitting and "
        "building their document/model, as ours includes segmentation. Ours is over HTTP "
        "(JSON both ways), peers are in-process. Ratio = peer time / our time; "
        "> 1 means we are faster.\n",
        "| case | sentences | ours hybrid cold | ours lexical warm p50 | ours lexical unseen p50 | "
        + " | ".join(
            f"{p} | {p} / hybrid cold | {p} / lexical warm | {p} / lexical unseen" for p in PEERS
        )
        + " |",
        "|---|--:|--:|--:|--:|" + "--:|--:|--:|--:|" * len(PEERS),
    ]
    for case_name, peers in peers_by_case.items():
        row = by_case.get(case_name)
        if row is None:
            continue
        hybrid = row["options"]["hybrid (default)"].get("cold_ms")
        lexical = row["options"]["lexical"].get("warm", {}).get("p50_ms")
        fresh = row["options"].get(UNSEEN, {}).get("warm", {}).get("p50_ms")
        cells = []
        for name in PEERS:
            cells += _peer_cells(peers.get(name, {}), (hybrid, lexical, fresh))
        lines.append(
            f"| {case_name} | {row['sentences']} | {fmt(hybrid)} | {fmt(lexical)} | {fmt(fresh)} | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def _peer_cells(peer: dict[str, Any], ours_all: tuple[Any, ...]) -> list[str]:
    """A peer's time and its ratio to each of ours (peer time / our time)."""
    if peer.get("skipped"):
        return [f"skipped ({peer['skipped']})", "", "", ""]
    if peer.get("error"):
        return [f"error: {peer['error'][:60]}", "", "", ""]
    if peer.get("capped"):
        cap = peer["cap_s"]
        return [f"> {cap:.0f} s (cap)"] + [
            f"> {cap * 1000 / ours:.0f}" if ours else "–" for ours in ours_all
        ]
    time_ms = peer.get("p50_ms")
    return [fmt(time_ms)] + [
        f"{time_ms / ours:.1f}×" if (time_ms and ours) else "–" for ours in ours_all
    ]


def _floor_table(floor: dict[str, Any], by_case: dict[str, Any]) -> list[str]:
    hybrid = by_case.get(floor["case"], {}).get("options", {}).get("hybrid (default)", {})
    lines = [
        "\n### Encoder floor (sample story)\n",
        f"The service encodes {floor['sentences_encoded']} sentences for the sample story "
        "(its shortlist). `SentenceEncoder.encode` alone on them, no cache:\n",
        "| what | p50 ms | min ms | sentences/s |",
        "|---|--:|--:|--:|",
    ]
    for name, row in floor["runtimes"].items():
        rate = floor["sentences_encoded"] / (row["p50_ms"] / 1000) if row["p50_ms"] else None
        lines.append(
            f"| encode alone, {name} (first call {fmt(row['first_ms'])}) | "
            f"{fmt(row['p50_ms'])} | {fmt(row['min_ms'])} | {fmt(rate)} |"
        )
    pipeline = floor["pipeline_in_process_no_cache"]
    cold_encode = (hybrid.get("cold_server_timings_ms") or {}).get("encode")
    warm = hybrid.get("warm", {})
    lines += [
        "| whole pipeline in-process, no cache "
        f"| {fmt(pipeline['p50_ms'])} | {fmt(pipeline['min_ms'])} | |",
        f"| our request, cold (server's encode stage {fmt(cold_encode)}) "
        f"| {fmt(hybrid.get('cold_ms'))} | | |",
        f"| our request, warm | {fmt(warm.get('p50_ms'))} | {fmt(warm.get('min_ms'))} | |",
    ]
    return lines


def _throughput_table(throughput: list[dict[str, Any]], cpus: Any) -> list[str]:
    lines = [
        "\n### Throughput (sample story, default options, warm cache)\n",
        "| workers | clients | requests | ok | errors | wall s | req/s | p50 ms | p95 ms "
        "| server RSS MiB |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in throughput:
        rss = row.get("rss") or {}
        lines.append(
            f"| {row['workers']} | {row['clients']} | {row['requests']}"
            f"{' (capped)' if row['capped'] else ''} | {row['ok']} | {row['errors']} "
            f"| {fmt(row['wall_s'])} | {fmt(row['rps'])} | {fmt(row['p50_ms'])} "
            f"| {fmt(row['p95_ms'])} | {fmt(rss.get('peak_sum_rss_mib'))} |"
        )
    if len(throughput) == 2 and throughput[0]["rps"]:
        one, two = throughput
        lines.append(
            f"\nScaling 1 → 2 workers: {two['rps'] / one['rps']:.2f}× "
            f"(the machine has {cpus} CPUs; the 8 client threads share them)."
        )
    return lines


def _growth_table(growth: dict[str, Any]) -> list[str]:
    lines = [
        "\n### Cost growth (log-log slope of time vs sentences, 5k–20k)\n",
        "| series | exponent | points (sentences, ms) |",
        "|---|--:|---|",
    ]
    for name, data in growth.items():
        points = ", ".join(f"{int(x)}: {fmt(y)}" for x, y in data["points"])
        lines.append(f"| {name} | {fmt(data['slope'])} | {points} |")
    lines.append("\n(Peers capped at larger sizes have fewer points.)")
    return lines


def _errors(results: dict[str, Any]) -> list[str]:
    """The cases' errors, then their notes, then the throughput runs' errors."""
    latency = results["latency"]
    errors = [f"{row['case']}: {e}" for row in latency for e in row["errors"]]
    errors += [f"{row['case']}: {e}" for row in latency for e in row["notes"]]
    errors += [
        f"throughput, {row['workers']} worker(s): {row['errors']} errors, "
        f"e.g. {row['error_samples']}"
        for row in results["throughput"]
        if row["errors"]
    ]
    return errors
