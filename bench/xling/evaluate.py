#!/usr/bin/env python3
"""evaluate.py - scores a run of the cross-language benchmark and writes the
report: grouping precision/recall from the grouping database's catalog, and
recall@10 / MRR from the search outputs, per target language and setup.

Usage: evaluate.py CORPUS RUN [REPORT.md]
  CORPUS  the directory build_corpus.py wrote
  RUN     the directory run.sh wrote: group.db, L.db, en-L.db and
          search.L.SETUP.jsonl (SETUP: translate, no-translate, ceiling);
          a missing no-translate file means the setup is not available;
          meta.txt holds "key<TAB>value" lines shown under the tables
Prints the report (Markdown) and writes it to REPORT.md when given.
"""
import collections
import itertools
import json
import os
import re
import sqlite3
import sys

LANGS = ["de", "fr", "it", "es", "pt", "fi", "hu"]
LANG_NAMES = {"de": "German", "fr": "French", "it": "Italian", "es": "Spanish",
              "pt": "Portuguese", "fi": "Finnish", "hu": "Hungarian"}
SETUPS = ["translate", "no-translate", "ceiling"]
K = 10


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        return [dict(zip(head, line.rstrip("\n").split("\t"))) for line in f]


def source_line(source):
    """The line number in a "FILE:LINE" source, or None."""
    if not source or ":" not in source:
        return None
    try:
        return int(source.rsplit(":", 1)[1])
    except ValueError:
        return None


def pairs(n):
    return n * (n - 1) // 2


# ---- Grouping --------------------------------------------------------------

def grouping(corpus, run):
    key = {int(r["line"]): (r["item"], r["lang"]) for r in read_tsv(os.path.join(corpus, "group.key.tsv"))}
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(run, "group.db"), uri=True)
    rows = db.execute("SELECT id, episode_id, lang, source FROM synopses").fetchall()
    db.close()
    syn = []                                   # (episode, item, lang, detected)
    for _, ep, lang, src in rows:
        ln = source_line(src)
        if ln in key:
            syn.append((ep, key[ln][0], key[ln][1], lang))
    items = {it for it, _ in key.values()}
    by_ep = collections.Counter(s[0] for s in syn)
    by_item = collections.Counter(s[1] for s in syn)
    by_both = collections.Counter((s[0], s[1]) for s in syn)
    pred = sum(pairs(n) for n in by_ep.values())
    true = sum(pairs(n) for n in by_item.values())
    tp = sum(pairs(n) for n in by_both.values())
    p = tp / pred if pred else None
    r = tp / true if true else 0.0
    f1 = 2 * p * r / (p + r) if p and r else 0.0
    # Recall per language pair: of the items' (a, b) versions, how many share
    # an episode; and how many wrong pairs (a, b) were grouped.
    ep_of = {(it, l): ep for ep, it, l, _ in syn}
    lp = []
    gl = sorted({l for _, l in key.values()}, key=lambda l: ["en", "de", "fr", "es"].index(l)
                if l in ["en", "de", "fr", "es"] else 9)
    members = collections.defaultdict(list)
    for ep, it, l, _ in syn:
        members[ep].append((it, l))
    for a, b in itertools.combinations(gl, 2):
        both = [it for it in items if (it, a) in ep_of and (it, b) in ep_of]
        same = sum(ep_of[(it, a)] == ep_of[(it, b)] for it in both)
        wrong = 0
        for m in members.values():
            xa = [it for it, l in m if l == a]
            xb = [it for it, l in m if l == b]
            wrong += sum(1 for i in xa for j in xb if i != j)
        lp.append((a, b, len(both), same, wrong))
    langid = sum(l == d for _, _, l, d in syn)
    eps_of = collections.defaultdict(set)
    for ep, it, _, _ in syn:
        eps_of[it].add(ep)
    full = sum(1 for it, eps in eps_of.items()
               if len(eps) == 1 and by_ep[next(iter(eps))] == by_item[it])
    return dict(texts=len(key), stored=len(syn), items=len(items), episodes=len(by_ep),
                true=true, pred=pred, tp=tp, p=p, r=r, f1=f1, langpairs=lp,
                langid=langid, full=full)


# ---- Retrieval -------------------------------------------------------------

def score(path, targets, subset=None):
    """(found@K, sum of 1/rank, queries, errors) of a search output, over
    the queries whose index is in subset (all when None)."""
    found, rr, errors, n = 0, 0.0, 0, 0
    with open(path, encoding="utf-8") as f:
        outs = [json.loads(line) for line in f if line.strip()]
    for i, tgt in enumerate(targets):
        if subset is not None and i not in subset:
            continue
        n += 1
        o = outs[i] if i < len(outs) else {"error": "missing output"}
        if "error" in o:
            errors += 1
            continue
        for res in o.get("results", [])[:K]:
            if source_line(res.get("source")) == tgt:
                found += 1
                rr += 1.0 / res["rank"] if res.get("rank") else 0.0
                break
    return found, rr, n, errors


def pool_langid(run, name, lang):
    """Share of a pool's texts that plotline labeled `lang`."""
    path = os.path.join(run, name + ".db")
    if not os.path.exists(path):
        return None
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    total, same = db.execute("SELECT count(*), sum(lang = ?) FROM synopses", (lang,)).fetchone()
    db.close()
    return (same or 0) / total if total else None


ENGLISH_STOP = set("""a an the and or of to in on for from with by as at into onto
is are be it its this that these those via not no all any each one two""".split())
WORD_RE = re.compile(r"\w+")


def words(text):
    return set(w.lower() for w in WORD_RE.findall(text))


def no_shared_word(corpus, lang, key):
    """Indexes of the queries none of whose words (but English function
    words) occurs as a word of the target text: the ones that a search
    without translation cannot match by a shared name or term."""
    with open(os.path.join(corpus, "queries.%s.txt" % lang), encoding="utf-8") as f:
        queries = f.read().split("\n")
    with open(os.path.join(corpus, "pool.%s.txt" % lang), encoding="utf-8") as f:
        pool = f.read().split("\n")
    out = set()
    for i, r in enumerate(key):
        q = words(queries[i]) - ENGLISH_STOP
        if not q & words(pool[int(r["target_line"]) - 1]):
            out.add(i)
    return out


def retrieval(corpus, run):
    rows = []
    for lang in LANGS:
        qk = os.path.join(corpus, "queries.%s.key.tsv" % lang)
        if not os.path.exists(qk):
            continue
        key = read_tsv(qk)
        if not key:
            continue
        row = dict(lang=lang, queries=len(key),
                   pool=sum(1 for _ in open(os.path.join(corpus, "pool.%s.txt" % lang), encoding="utf-8")),
                   langid=pool_langid(run, lang, lang))
        hard = no_shared_word(corpus, lang, key)
        row["hard"] = {}
        for setup in SETUPS:
            path = os.path.join(run, "search.%s.%s.jsonl" % (lang, setup))
            if not os.path.exists(path):
                row[setup] = row["hard"][setup] = None
                continue
            col = "en_target_line" if setup == "ceiling" else "target_line"
            row[setup] = score(path, [int(r[col]) for r in key])
            row["hard"][setup] = score(path, [int(r[col]) for r in key], hard)
        row["n_hard"] = len(hard)
        # The default search with the queries' language guessed (no --lang).
        path = os.path.join(run, "search.%s.guessed.jsonl" % lang)
        row["guessed"] = score(path, [int(r["target_line"]) for r in key]) \
            if os.path.exists(path) else None
        rows.append(row)
    return rows


# ---- Report ----------------------------------------------------------------

def fmt(x, nd=3):
    return "n/a" if x is None else ("%.*f" % (nd, x))


def rec(x):
    """recall@K and MRR of a (found, sum of 1/rank, queries, errors)."""
    return (x[0] / x[2], x[1] / x[2]) if x and x[2] else (None, None)


def recall_rows(rows, getters, count):
    """Table rows per language, then over all queries: recall@K and MRR of
    each getter's (found, sum of 1/rank, queries, errors) for a row (None: not
    run); count(row) is the queries column."""
    tot = [[0, 0.0, 0, 0] for _ in getters]
    ran = [False] * len(getters)
    out = []
    for r in rows:
        cells = []
        for j, get in enumerate(getters):
            x = get(r)
            if x is not None:
                ran[j] = True
                for i in range(4):
                    tot[j][i] += x[i]
            v = rec(x)
            cells += [fmt(v[0]), fmt(v[1])]
        out.append("| %s (%s) | %d | %s |" % (LANG_NAMES[r["lang"]], r["lang"], count(r),
                                           " | ".join(cells)))
    cells = []
    for j in range(len(getters)):
        v = rec(tot[j]) if ran[j] else (None, None)
        cells += [fmt(v[0]), fmt(v[1])]
    out.append("| all (per query) | %d | %s |" % (sum(count(r) for r in rows), " | ".join(cells)))
    return out


def report(corpus, run):
    g = grouping(corpus, run)
    rows = retrieval(corpus, run)
    meta = []
    mp = os.path.join(run, "meta.txt")
    if os.path.exists(mp):
        meta = [l.rstrip("\n").split("\t", 1) for l in open(mp, encoding="utf-8") if "\t" in l]
    out = ["# Cross-language benchmark: results", ""]
    for k, v in meta:
        out.append("- %s: %s" % (k, v))
    st = collections.defaultdict(dict)
    sp = os.path.join(corpus, "stats.tsv")
    if os.path.exists(sp):
        for r in read_tsv(sp):
            st[r["lang"]][r["what"]] = int(r["count"])
    if st:
        out += ["", "## Corpus", "",
                "| lang | man pages | items (with English) | queries | pool | of it man pages | of it filler |",
                "|---|---:|---:|---:|---:|---:|---:|",
                "| en | %s | %s (usable pages) | | | | |" % (st["en"].get("pages", ""), st["en"].get("usable", ""))]
        for l in LANGS:
            d = st.get(l, {})
            out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                l, d.get("pages", ""), d.get("items", ""), d.get("queries", ""), d.get("pool", ""),
                d.get("pool man", ""), d.get("pool filler", "")))
    out += ["", "## Grouping (translations of one man page into one episode)", "",
            "%d texts (%d stored) = %d items x en de fr es, imported shuffled and unlabeled."
            % (g["texts"], g["stored"], g["items"]), "",
            "| items | episodes | items whole (one episode, nothing else) | true pairs | grouped pairs | precision | recall | F1 |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            "| %d | %d | %d | %d | %d | %s | %s | %s |" % (
                g["items"], g["episodes"], g["full"], g["true"], g["pred"],
                fmt(g["p"]) if g["p"] is not None else "1.000 (no pairs)", fmt(g["r"]), fmt(g["f1"])),
            "", "Per language pair (recall: versions of one item in one episode; wrong: pairs of",
            "different items grouped):", "",
            "| pair | items | together | recall | wrong pairs |", "|---|---:|---:|---:|---:|"]
    for a, b, n, same, wrong in g["langpairs"]:
        out.append("| %s-%s | %d | %d | %s | %d |" % (a, b, n, same, fmt(same / n if n else None), wrong))
    out += ["", "Language identified as labeled: %d of %d texts (%s)."
            % (g["langid"], g["stored"], fmt(g["langid"] / g["stored"] if g["stored"] else None)), ""]

    out += ["## Retrieval (English NAME line -> the page's DESCRIPTION in language L)", "",
            "recall@%d and MRR@%d; *translate* is plotline's default search, *no-translate* the same"
            " search with translation off (what a monolingual engine such as FTS5 or Xapian gives),"
            " *ceiling* the same queries against the same pages in English; gap = ceiling - setup"
            " (recall@%d)." % (K, K, K), "",
            "| target | queries | pool | translate R@10 | MRR | no-translate R@10 | MRR | ceiling R@10 | MRR | gap translate | gap no-translate | pool langid ok |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    tot = {s: [0, 0.0, 0, 0] for s in SETUPS}
    avail = {s: True for s in SETUPS}
    errors = collections.Counter()

    for r in rows:
        cells = []
        vals = {}
        for s in SETUPS:
            x = r[s]
            if x is None:
                avail[s] = False
            else:
                for i in range(4):
                    tot[s][i] += x[i]
                errors[s] += x[3]
            vals[s] = rec(x)
            cells += [fmt(vals[s][0]), fmt(vals[s][1])]
        gaps = [fmt(vals["ceiling"][0] - vals[s][0]) if vals[s][0] is not None
                and vals["ceiling"][0] is not None else "n/a" for s in ("translate", "no-translate")]
        out.append("| %s (%s) | %d | %d | %s | %s | %s |" % (
            LANG_NAMES[r["lang"]], r["lang"], r["queries"], r["pool"], " | ".join(cells),
            " | ".join(gaps), fmt(r["langid"])))
    vals = {s: rec(tot[s]) if avail[s] else (None, None) for s in SETUPS}
    cells = []
    for s in SETUPS:
        cells += [fmt(vals[s][0]), fmt(vals[s][1])]
    gaps = [fmt(vals["ceiling"][0] - vals[s][0]) if vals[s][0] is not None
            and vals["ceiling"][0] is not None else "n/a" for s in ("translate", "no-translate")]
    out.append("| all (per query) | %d | | %s | %s | |" % (
        sum(r["queries"] for r in rows), " | ".join(cells), " | ".join(gaps)))
    out += ["", "The same on the queries that share no word form (but English function words) with"
            " their target text, where only translation can find the target:", "",
            "| target | queries | translate R@10 | MRR | no-translate R@10 | MRR | ceiling R@10 | MRR |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    out += recall_rows(rows, [lambda r, s=s: r["hard"][s] for s in SETUPS],
                       lambda r: r["n_hard"])
    out.append("")
    if any(r["guessed"] is not None for r in rows):
        out += ["The default search again with the queries' language guessed, as the CLI does"
                " without `--lang` (above it is given, `--lang en`):", "",
                "| target | queries | given R@10 | MRR | guessed R@10 | MRR |",
                "|---|---:|---:|---:|---:|---:|"]
        out += recall_rows(rows, [lambda r: r["translate"], lambda r: r["guessed"]],
                           lambda r: r["queries"])
        out.append("")
    if not avail["no-translate"]:
        out.append("no-translate: n/a, this plotline's `search` has no `--no-translate`.")
    for s in SETUPS:
        if errors[s]:
            out.append("%s: %d queries failed (counted as misses)." % (s, errors[s]))
    out.append("")
    return "\n".join(out)


def main():
    corpus, run = sys.argv[1], sys.argv[2]
    text = report(corpus, run)
    print(text)
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
