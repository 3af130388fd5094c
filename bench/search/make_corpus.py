#!/usr/bin/env python3
"""make_corpus.py - builds the search benchmark's corpus and queries from
Debian-packaged multilingual prose: translated man pages (manpages-*),
fortunes (fortunes-*), LibreOffice help (libreoffice-help-*) and the Debian
installation guide (installation-guide-amd64).

Writes into OUT (default bench/search/data/):
  corpus.tsv        id<TAB>lang<TAB>text, texts of 200-3000 bytes, one line each
  queries.tsv       class<TAB>lang<TAB>plotline query<TAB>fts5 query<TAB>xapian terms
  corpus-<N>.tsv    (with --scale N) the corpus repeated up to N records with
                    id offsets and light perturbation, for growth figures

Everything is deterministic (fixed seeds, sorted file lists), so two runs on
the same packages give the same bytes.
"""
import argparse, collections, glob, gzip, html, os, random, re, sys, unicodedata

MIN, MAX = 200, 3000

def clean(s):
    s = html.unescape(s)
    s = re.sub(r"[\x00-\x1f\x7f]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s

def chunks(paras):
    """Joins consecutive paragraphs into records of MIN..MAX bytes."""
    cur = ""
    for p in paras:
        p = clean(p)
        if not p:
            continue
        while len(p.encode()) > MAX:  # split long paragraphs at a sentence or space
            cut = p[:MAX // 2]
            at = max(cut.rfind(". "), cut.rfind(" "))
            if at < MIN // 2:
                at = len(cut)
            yield from flush(cur)
            cur = ""
            yield p[:at + 1].strip()
            p = p[at + 1:].strip()
        cand = (cur + " " + p).strip() if cur else p
        if len(cand.encode()) > MAX:
            yield from flush(cur)
            cur = p
        else:
            cur = cand
        if len(cur.encode()) >= 1200:
            yield from flush(cur)
            cur = ""
    yield from flush(cur)

def flush(cur):
    b = cur.encode()
    if MIN <= len(b) <= MAX:
        yield cur

# ---- sources ----

MAN_LANGS = {"pt_BR": "pt", "zh_CN": "zh", "zh_TW": "zh"}

def troff_paras(text):
    paras, cur = [], []
    for line in text.splitlines():
        if line.startswith((".\\\"", "'\\\"", ".\\}")):
            continue
        if line.startswith((".", "'")):
            m = re.match(r"^[.']\s*(\w+)\s*(.*)$", line)
            if not m:
                continue
            mac, arg = m.group(1), m.group(2)
            if mac in ("PP", "P", "LP", "SH", "SS", "TP", "IP", "HP", "sp", "br", "TH", "RS", "RE", "nf", "fi"):
                if cur:
                    paras.append(" ".join(cur))
                    cur = []
                continue
            if mac in ("B", "I", "BI", "BR", "IR", "RB", "RI", "IB", "SM", "SB", "UR", "MT"):
                cur.append(arg.replace('"', ""))
            continue
        cur.append(line)
    if cur:
        paras.append(" ".join(cur))
    out = []
    for p in paras:
        p = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", p)
        p = re.sub(r"\\\((..)", " ", p)
        p = re.sub(r"\\\[[^\]]*\]", " ", p)
        p = re.sub(r"\\[*n]\(?..", "", p)
        p = p.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\").replace("\\ ", " ")
        p = re.sub(r"\\.", "", p)
        out.append(p)
    return out

def man_pages():
    for d in sorted(glob.glob("/usr/share/man/*/")):
        name = os.path.basename(d.rstrip("/"))
        if name.startswith("man"):
            continue
        lang = MAN_LANGS.get(name, name.split("_")[0])
        for f in sorted(glob.glob(d + "man*/*.gz")):
            try:
                text = gzip.open(f).read().decode("utf-8")
            except (UnicodeDecodeError, OSError, EOFError):
                continue
            for rec in chunks(troff_paras(text)):
                yield lang, rec

def fortunes():
    base = "/usr/share/games/fortunes/"
    langs = {"bg": "bg", "cs": "cs", "de": "de", "es": "es", "it": "it", "pl": "pl",
             "ru": "ru", "ga": "ga", "eo": "eo", "brasil": "pt", "fr": "fr"}
    for sub in sorted(os.listdir(base)):
        path = base + sub
        if os.path.isdir(path) and sub in langs:
            files = sorted(glob.glob(path + "/*"))
            files = [f for f in files if not f.endswith(".dat") and
                     not (os.path.exists(f + ".u8") and not f.endswith(".u8"))]
            lang = langs[sub]
        elif sub in langs and not sub.endswith(".dat") and os.path.isfile(path):
            files, lang = [path], langs[sub]
        else:
            continue
        for f in files:
            if f.endswith(".dat"):
                continue
            try:
                text = open(f, "rb").read().decode("utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            yield from ((lang, r) for r in chunks(text.split("\n%\n")))

def html_paras(text):
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
    parts = re.split(r"(?i)</?(?:p|h[1-6]|li|div|td|tr|table|ul|ol|pre|dt|dd)\b[^>]*>", text)
    return [re.sub(r"<[^>]*>", " ", p) for p in parts]

def lo_help():
    base = "/usr/share/libreoffice/help/"
    for d in sorted(glob.glob(base + "*/text")):
        lang = os.path.basename(os.path.dirname(d)).split("-")[0]
        for f in sorted(glob.glob(d + "/**/*.html", recursive=True)):
            try:
                text = open(f, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            for rec in chunks(html_paras(text)):
                yield lang, rec

def install_guide():
    base = "/usr/share/doc/installation-guide-amd64/"
    for d in sorted(glob.glob(base + "*/")):
        lang = os.path.basename(d.rstrip("/")).split("_")[0]
        for f in sorted(glob.glob(d + "*.html")):
            try:
                text = open(f, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            for rec in chunks(html_paras(text)):
                yield lang, rec

# ---- queries ----

WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
NO_SPACE = {"ja", "zh", "ko", "th"}

def words(text):
    return [w.lower() for w in WORD.findall(text)]

def make_queries(recs, per_class, seed=7):
    """Per language: single words in three df bands, two-word AND and OR,
    two-word phrases. Words are plain lowercase letters-only tokens that
    every engine tokenizes the same way."""
    rnd = random.Random(seed)
    by_lang = collections.defaultdict(list)
    for _, lang, text in recs:
        by_lang[lang].append(text)
    langs = sorted((l for l in by_lang if l not in NO_SPACE and len(by_lang[l]) >= 500),
                   key=lambda l: -len(by_lang[l]))
    out = []
    for lang in langs:
        docs = by_lang[lang]
        df, bigram = collections.Counter(), collections.Counter()
        for t in docs:
            ws = words(t)
            df.update(set(ws))
            bigram.update(set(zip(ws, ws[1:])))
        n = len(docs)
        ranked = [w for w, _ in df.most_common()]
        common = [w for w in ranked if df[w] >= n * 0.05][:200]
        medium = [w for w in ranked if n * 0.005 <= df[w] < n * 0.05]
        rare = [w for w in ranked if 3 <= df[w] < max(4, n * 0.001)]
        phrases = [b for b, c in bigram.most_common(3000) if c >= 3 and b[0] != b[1]]
        def pick(pool, k):
            return [pool[rnd.randrange(len(pool))] for _ in range(k)] if pool else []
        for w in pick(common, per_class):
            out.append(("term_common", lang, [w], "single"))
        for w in pick(medium, per_class):
            out.append(("term_medium", lang, [w], "single"))
        for w in pick(rare, per_class):
            out.append(("term_rare", lang, [w], "single"))
        mid = medium + common[:50]
        for _ in range(per_class):
            if len(mid) > 2:
                a, b = rnd.sample(mid, 2)
                out.append(("and", lang, [a, b], "and"))
        for _ in range(per_class):
            if len(mid) > 2:
                a, b = rnd.sample(mid, 2)
                out.append(("or", lang, [a, b], "or"))
        for p in pick(phrases, per_class):
            out.append(("phrase", lang, list(p), "phrase"))
    return out

def fts_quote(w):
    return '"' + w.replace('"', '""') + '"'

def query_row(cls, lang, ws, kind):
    if kind == "single":
        pq, fq, xq = ws[0], fts_quote(ws[0]), "single " + ws[0]
    elif kind == "and":
        # Every word required, as FTS5's AND and Xapian's default operator.
        pq = " ".join("+" + w for w in ws)
        fq = " AND ".join(fts_quote(w) for w in ws)
        xq = "and " + " ".join(ws)
    elif kind == "or":
        pq = " OR ".join(ws)
        fq = " OR ".join(fts_quote(w) for w in ws)
        xq = "or " + " ".join(ws)
    else:
        pq = '"' + " ".join(ws) + '"'
        fq = '"' + " ".join(ws) + '"'
        xq = "phrase " + " ".join(ws)
    return "\t".join([cls, lang, pq, fq, xq])

# ---- scaling ----

def perturb(text, rnd):
    """Light perturbation so a replicated record is not byte-identical (the
    catalog stores each distinct text once): swap two adjacent words."""
    ws = text.split(" ")
    if len(ws) > 3:
        i = rnd.randrange(len(ws) - 1)
        ws[i], ws[i + 1] = ws[i + 1], ws[i]
    return " ".join(ws)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "data"))
    ap.add_argument("--per-class", type=int, default=16)
    ap.add_argument("--scale", type=int, action="append", default=[])
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    seen, recs = set(), []
    for gen in (man_pages, fortunes, lo_help, install_guide):
        for lang, text in gen():
            key = text.encode()
            if key in seen:
                continue
            seen.add(key)
            recs.append((len(recs) + 1, lang, text))
    with open(os.path.join(a.out, "corpus.tsv"), "w", encoding="utf-8") as f:
        for i, lang, text in recs:
            f.write(f"{i}\t{lang}\t{text}\n")
    qs = make_queries(recs, a.per_class)
    with open(os.path.join(a.out, "queries.tsv"), "w", encoding="utf-8") as f:
        for q in qs:
            f.write(query_row(*q) + "\n")
    nbytes = sum(len(t.encode()) for _, _, t in recs)
    langs = collections.Counter(l for _, l, _ in recs)
    print(f"corpus: {len(recs)} records, {nbytes / 1e6:.1f} MB, {len(langs)} languages; "
          f"{len(qs)} queries in {len(set(q[1] for q in qs))} languages", file=sys.stderr)
    for n in a.scale:
        rnd = random.Random(n)
        with open(os.path.join(a.out, f"corpus-{n}.tsv"), "w", encoding="utf-8") as f:
            k = 0
            while k < n:
                for _, lang, text in recs:
                    if k >= n:
                        break
                    k += 1
                    t = text if k <= len(recs) else perturb(text, rnd)
                    f.write(f"{k}\t{lang}\t{t}\n")
        print(f"corpus-{n}: {n} records", file=sys.stderr)

if __name__ == "__main__":
    main()
