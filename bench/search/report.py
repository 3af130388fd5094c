#!/usr/bin/env python3
"""report.py - prints the search benchmark's figures as a Markdown table,
each with its ratio to the best peer engine (>1 means plotline is better).

Usage: report.py WORKDIR real|growth ENGINE...
"""
import os, sys

# metric: (label, higher is better, format)
METRICS = [
    ("docs_per_sec", "index docs/s", True, "{:,.0f}"),
    ("docs_per_cpu_sec", "index docs/s (CPU time, all threads)", True, "{:,.0f}"),
    ("mb_per_sec", "index MB/s", True, "{:.1f}"),
    ("size_ratio", "index size ÷ text", False, "{:.2f}"),
    ("peak_rss_kb", "peak memory MiB", False, "{:,.0f}"),
    ("qps", "queries/s (CPU time)", True, "{:,.0f}"),
    ("qps_wall", "queries/s (wall clock)", True, "{:,.0f}"),
    ("qps_first", "queries/s, first pass (CPU time)", True, "{:,.0f}"),
]
CLASSES = ["term_common", "term_medium", "term_rare", "and", "or", "phrase"]

def load(path):
    d = {}
    if not os.path.exists(path):
        return d
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            try:
                d[parts[0]] = float(parts[1].replace(",", ""))
            except ValueError:
                pass
    if "peak_rss_kb" in d:
        d["peak_rss_mib"] = d["peak_rss_kb"] / 1024
    return d

def fmt(key, v):
    if v is None:
        return "-"
    if key == "peak_rss_kb":
        return "{:,.0f}".format(v / 1024)
    for k, _, _, f in METRICS:
        if k == key:
            return f.format(v)
    return "{:,.0f}".format(v)

def table(res, engines, rows):
    # "plotline-words": plotline's queries with the words only as given
    # (no translation), on the same index; its own ratio column.
    ours = [e for e in ("plotline", "plotline-words") if e in engines]
    peers = [e for e in engines if e not in ours]
    names = {"plotline-words": "plotline, words as given"}
    head = "| figure | " + " | ".join(names.get(e, e) for e in engines) + " | " + \
        " | ".join(names.get(e, e) + " ÷ best peer" for e in ours) + " |"
    print(head)
    print("|" + "---|" * (len(engines) + 1 + len(ours)))
    for key, label, higher in rows:
        vals = {e: res[e].get(key) for e in engines}
        cells = [fmt(key, vals[e]) for e in engines]
        ratios = []
        pv = [vals[e] for e in peers if vals[e]]
        for e in ours:
            ratio = "-"
            if vals.get(e) and pv:
                best = max(pv) if higher else min(pv)
                r = vals[e] / best if higher else best / vals[e]
                ratio = "{:.2f}×".format(r)
            ratios.append(ratio)
        print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")

def main():
    work, mode, engines = sys.argv[1], sys.argv[2], sys.argv[3:]
    labels = ["real"] if mode == "real" else ["10000", "100000", "1000000"]
    for label in labels:
        shown = list(engines)
        if "plotline" in shown and os.path.exists(os.path.join(work, f"plotline-words-{label}.out")):
            shown.insert(shown.index("plotline") + 1, "plotline-words")
        res = {e: load(os.path.join(work, f"{e}-{label}.out")) for e in shown}
        docs = next((int(r["docs"]) for r in res.values() if "docs" in r), 0)
        mb = next((r["text_bytes"] / 1e6 for r in res.values() if "text_bytes" in r), 0)
        print(f"\n### {label}: {docs:,} documents, {mb:.1f} MB of text\n")
        rows = [(k, l, h) for k, l, h, _ in METRICS]
        for c in CLASSES:
            rows.append((f"p50_{c}", f"{c} p50 µs", False))
            rows.append((f"p99_{c}", f"{c} p99 µs", False))
        rows.append(("mean_hits", "mean hits per query (of 10)", True))
        table(res, shown, rows)
    print("\n(ratio: plotline's figure against the better of the peers, oriented so "
          "that above 1× means plotline is ahead; memory is the peak RSS of the whole "
          "process, indexing and querying)")

if __name__ == "__main__":
    main()
