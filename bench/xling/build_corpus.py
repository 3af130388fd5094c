#!/usr/bin/env python3
"""build_corpus.py - turns unpacked Debian packages into the cross-language
benchmark's corpus: man pages translated by manpages-l10n and their English
originals, with GNOME help pages and the Debian installation guide as filler.

Usage: build_corpus.py ROOT OUTDIR
  ROOT    a directory into which the .deb files were unpacked (dpkg-deb -x)
  OUTDIR  where the corpus goes (created; existing files are overwritten)

An *item* is one man page that exists in English and in a target language:
its query is the English NAME line's description (command names and dash
removed), its texts are the first paragraph(s) of DESCRIPTION (200-1500
bytes; option paragraphs count, flattened to "tag text") in each language,
the translation taking as many paragraphs as the English. Texts that read as
English rather than as their language (untranslated or half-translated
pages) are left out, as are duplicate pages and duplicate queries.

A retrieval pool of language L holds the targets of up to QMAX sampled
queries, then other man pages of L (items not queried, pages without an
English original), then filler paragraphs of L (GNOME help, installation
guide) up to POOL texts. Its English twin holds the same man pages in English
(where they exist) and English filler up to the same size: the monolingual
ceiling. Everything is sorted and every random choice uses a fixed seed, so
the same packages give the same corpus byte for byte.

Writes to OUTDIR:
  group.txt, group.key.tsv        grouping set: GROUP_N items in en de fr es,
                                  shuffled, one text a line; the key tells
                                  each line's item and language
  pool.L.txt, pool.L.key.tsv      retrieval pool of language L (kind: target,
                                  man or filler; doc: page or paragraph)
  pool.en-L.txt, pool.en-L.key.tsv  the same documents in English (ceiling)
  queries.L.txt, queries.L.key.tsv  the English queries whose targets are in
                                  pool.L (key: query line, target line in
                                  pool.L and in pool.en-L, page)
  stats.tsv                       counts per language, for the report
"""
import collections
import gzip
import hashlib
import os
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from concurrent.futures import ProcessPoolExecutor

SEED = 20240611
GROUP_LANGS = ["en", "de", "fr", "es"]
GROUP_N = 300                       # items in the grouping set
TARGET_LANGS = ["de", "fr", "it", "es", "pt", "fi", "hu"]
MAN_DIR = {"en": ".", "de": "de", "fr": "fr", "it": "it", "es": "es", "pt": "pt_BR",
           "fi": "fi", "hu": "hu"}
POOL = 2000                         # texts per retrieval pool
QMAX = 600                          # queries per language at most
MIN_BYTES, MAX_BYTES = 200, 1500    # size of an item text
MIN_BYTES_ALIGNED = 120             # a translation may be shorter than 200

# The localized heading of the DESCRIPTION section.
DESC_HEAD = {"en": "DESCRIPTION", "de": "BESCHREIBUNG", "fr": "DESCRIPTION",
             "es": "DESCRIPCIÓN", "it": "DESCRIZIONE", "pt": "DESCRIÇÃO",
             "fi": "KUVAUS", "hu": "LEÍRÁS"}

# Frequent function words, to tell whether a "translation" is really English.
STOP = {
    "en": "the of and to in is that for it as with be by on are this or an which from not can if will when was has its".split(),
    "de": "der die das und ist nicht zu den von mit sich des auf für im dem ein eine werden wird oder als auch es bei kann wenn sie".split(),
    "fr": "le la les de des et est un une du en que qui pour dans sur par pas ne au aux ou sont être il ce cette".split(),
    "es": "el la los las de del y que en un una es por para con se al no lo su como o son".split(),
    "it": "il lo la i gli le di del della e che è un una per con non si da al dei delle sono".split(),
    "pt": "o a os as de do da dos das e que é um uma para com não se em no na por ao".split(),
    "fi": "ja on ei se että tai kun jos ovat joka mutta myös voi sen tämä niin kuin ole eli vain jossa jota sitä kaikki".split(),
    "hu": "a az és hogy nem egy is meg van ha vagy csak ki be azt mint ez el".split(),
}
AMBIGUOUS = {"a", "i", "e", "o"}    # words of English too, or letters
WORD_RE = re.compile(r"\w+", re.UNICODE)


def is_lang(text, lang):
    """True when text reads as `lang` rather than English (or as English)."""
    words = [w.lower() for w in WORD_RE.findall(text)]
    if lang == "en":
        own = set(STOP["en"])
        hits = sum(w in own for w in words)
        others = max(sum(w in set(STOP[l]) - own - AMBIGUOUS for w in words)
                     for l in STOP if l != "en")
        return hits >= 3 and hits > 2 * others
    own = set(STOP[lang]) - set(STOP["en"])
    eng = set(STOP["en"]) - set(STOP[lang])
    l_hits = sum(w in own for w in words)
    e_hits = sum(w in eng for w in words)
    return l_hits >= 3 and l_hits >= 2 * e_hits


# ---- Man pages -------------------------------------------------------------

def render(path):
    """Renders one gzipped man page to plain text lines, or None (alias)."""
    with gzip.open(path) as f:
        src = f.read()
    if src.lstrip().startswith(b".so "):
        return None
    r = subprocess.run(["groff", "-k", "-t", "-Tutf8", "-mandoc", "-rLL=5000n", "-rHY=0",
                        "-P-cbou"], input=src, capture_output=True,
                       env=dict(os.environ, LC_ALL="C.UTF-8"))
    return r.stdout.decode("utf-8", "replace")


def sections(rendered):
    """Splits rendered text into (heading, [block, ...]); a block is a list
    of (indent, text) lines between blank lines."""
    lines = rendered.split("\n")[1:]          # drop the page header
    out = []
    for line in lines:
        if not line.strip():
            if out and out[-1][1] and out[-1][1][-1]:
                out[-1][1].append([])
            continue
        if not line[0].isspace():
            out.append((line.strip(), [[]]))
            continue
        if not out:
            continue
        ind = len(line) - len(line.lstrip())
        out[-1][1][-1].append((ind, " ".join(line.split())))
    if out:
        out.pop()                              # the page footer
    return [(h, [b for b in bs if b]) for h, bs in out]


def desc_paragraphs(blocks, body):
    """A section's paragraphs in order, each flattened to one line: prose
    paragraphs as they are, tagged ones (options) as "tag body"; lines set
    left of the section's text (`body`: subheadings) are left out."""
    paras = []
    for b in blocks:
        t = " ".join(text for ind, text in b if ind >= body)
        if t:
            paras.append(t)
    return paras


def cut(text, limit=MAX_BYTES):
    """Cuts text to at most limit bytes, at a sentence end when one is near."""
    if len(text.encode()) <= limit:
        return text
    b = text.encode()[:limit].decode("utf-8", "ignore")
    m = max(b.rfind(". "), b.rfind("! "), b.rfind("? "))
    if m > len(b) // 3:
        return b[:m + 1]
    return b[:b.rfind(" ")] if " " in b else b


def page_info(args):
    """(lang, page key, name description, description paragraphs) of a page."""
    lang, path, key = args
    txt = render(path)
    if txt is None:
        return None
    secs = sections(txt)
    if not secs:
        return None
    name = " ".join(t for b in secs[0][1] for _, t in b)
    # The text's indent: 7 in man(7) pages, 5 in mdoc(7) ones.
    body = min((ind for b in secs[0][1] for ind, _ in b), default=7)
    desc = []
    for h, bs in secs:
        if h.upper() in (DESC_HEAD[lang], "DESCRIPTION"):
            desc = desc_paragraphs(bs, body)
            break
    return lang, key, name, desc


def list_pages(root, lang):
    """Sorted (path, key) of a language's man pages; key is 'section/name'
    without compression suffix, aliases (symlinks) left out."""
    base = os.path.join(root, "usr/share/man", MAN_DIR[lang])
    out = []
    if not os.path.isdir(base):
        return out
    for d in sorted(os.listdir(base)):
        if not re.fullmatch(r"man\d\w*", d):
            continue
        for f in sorted(os.listdir(os.path.join(base, d))):
            p = os.path.join(base, d, f)
            if f.endswith(".gz") and not os.path.islink(p):
                out.append((p, d + "/" + f[:-3]))
    return out


DASH_RE = re.compile(r"\s[-\u2010-\u2015\u2212]\s")


def query_of(name):
    """The description part of a NAME line, cleaned to a plain query."""
    m = DASH_RE.search(" " + name + " ")
    if not m:
        return None
    q = (" " + name + " ")[m.end():]
    q = q.replace('"', " ").replace("(", " ").replace(")", " ")
    words = []
    for w in q.split():
        w = w.lstrip("-")
        if w == "OR":
            w = "or"
        if w:
            words.append(w)
    q = " ".join(words).rstrip(".")
    return q if len(q.split()) >= 2 else None


def first_chunk(paras, n=None):
    """The first paragraphs of DESCRIPTION: n of them, or as many as reach
    MIN_BYTES. Returns (text, n) or (None, 0)."""
    if not paras:
        return None, 0
    if n is None:
        n, size = 0, 0
        while n < len(paras) and size < MIN_BYTES:
            size += len(paras[n].encode()) + 1
            n += 1
    elif n > len(paras):
        return None, 0
    return cut(" ".join(paras[:n])), n


# ---- GNOME help (filler) ------------------------------------------------

MAL = "{http://projectmallard.org/1.0/}"


def help_paragraphs(root, lang):
    """Sorted (key, text) of the <p> paragraphs of the GNOME help pages
    (usr/share/help/LANG/APP/*.page), 200-1500 bytes each."""
    d = os.path.join(root, "usr/share/help", "C" if lang == "en" else MAN_DIR[lang])
    out = []
    if not os.path.isdir(d):
        return out
    for app in sorted(os.listdir(d)):
        ad = os.path.join(d, app)
        for f in sorted(os.listdir(ad)) if os.path.isdir(ad) else []:
            if not f.endswith(".page"):
                continue
            try:
                tree = ET.parse(os.path.join(ad, f))
            except ET.ParseError:
                continue
            for i, p in enumerate(tree.iter(MAL + "p")):
                t = " ".join("".join(p.itertext()).split())
                if MIN_BYTES <= len(t.encode()) <= MAX_BYTES:
                    out.append(("help/%s/%s#%d" % (app, f[:-5], i + 1), t))
    return out


GUIDE_DIR = {"en": "en", "de": "de", "fr": "fr", "it": "it", "es": "es", "pt": "pt"}


class _Paras(HTMLParser):
    """Collects the text of an HTML page's <p> elements."""

    def __init__(self):
        super().__init__()
        self.depth, self.cur, self.out = 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self.depth += 1
            self.cur = []

    def handle_endtag(self, tag):
        if tag == "p" and self.depth:
            self.depth -= 1
            self.out.append(" ".join("".join(self.cur).split()))

    def handle_data(self, data):
        if self.depth:
            self.cur.append(data)


def guide_paragraphs(root, lang):
    """Sorted (key, text) of the paragraphs of the Debian installation guide
    (HTML), 200-1500 bytes each. It has no Finnish, Hungarian nor Brazilian
    Portuguese: pt is the European one."""
    if lang not in GUIDE_DIR:
        return []
    d = os.path.join(root, "usr/share/doc/installation-guide-amd64", GUIDE_DIR[lang])
    out = []
    if not os.path.isdir(d):
        return out
    for f in sorted(os.listdir(d)):
        if not f.endswith(".html"):
            continue
        p = _Paras()
        with open(os.path.join(d, f), encoding="utf-8", errors="replace") as fh:
            p.feed(fh.read())
        for i, t in enumerate(p.out):
            if MIN_BYTES <= len(t.encode()) <= MAX_BYTES:
                out.append(("guide/%s#%d" % (f[:-5], i + 1), t))
    return out


# ---- Building --------------------------------------------------------------

def norm_key(text):
    return hashlib.sha1(" ".join(text.lower().split()).encode()).hexdigest()


def write_lines(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(r + "\n")


def one_line(t):
    return " ".join(t.replace("\t", " ").split())


def main():
    root, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    langs = ["en"] + TARGET_LANGS
    jobs = [(l, p, k) for l in langs for p, k in list_pages(root, l)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        infos = [r for r in ex.map(page_info, jobs, chunksize=32) if r]
    pages = collections.defaultdict(dict)       # lang -> key -> (name, paras)
    for lang, key, name, desc in infos:
        pages[lang][key] = (name, desc)

    stats = []
    # English side: query and chunk per page, duplicates (same query or same
    # text) dropped, keeping the first page in sorted order.
    en = {}
    seen_q, seen_t = set(), set()
    for key in sorted(pages["en"]):
        name, paras = pages["en"][key]
        q = query_of(name)
        text, n = first_chunk(paras)
        if not q or not text or len(text.encode()) < MIN_BYTES or not is_lang(text, "en"):
            continue
        kq, kt = q.lower(), norm_key(text)
        if kq in seen_q or kt in seen_t:
            continue
        seen_q.add(kq)
        seen_t.add(kt)
        en[key] = (q, text, n)
    stats.append(("en", "pages", len(pages["en"])))
    stats.append(("en", "usable", len(en)))

    # Per language: the aligned chunk of every item, and every other page's
    # own first chunk (distractors).
    items = {}          # lang -> key -> text (page has an English item)
    others = {}         # lang -> key -> text (no English counterpart)
    for lang in TARGET_LANGS:
        items[lang], others[lang] = {}, {}
        seen = set()
        for key in sorted(pages[lang]):
            name, paras = pages[lang][key]
            if key in en:
                text, _ = first_chunk(paras, en[key][2])
                lo = MIN_BYTES_ALIGNED
            else:
                text, _ = first_chunk(paras)
                lo = MIN_BYTES
            if not text or len(text.encode()) < lo or not is_lang(text, lang):
                continue
            k = norm_key(text)
            if k in seen or norm_key(text) == (norm_key(en[key][1]) if key in en else None):
                continue
            seen.add(k)
            (items if key in en else others)[lang][key] = text
        stats.append((lang, "pages", len(pages[lang])))
        stats.append((lang, "items", len(items[lang])))
        stats.append((lang, "other pages", len(others[lang])))

    filler = {l: [(k, t) for k, t in help_paragraphs(root, l) + guide_paragraphs(root, l)
                  if is_lang(t, l)] for l in langs}
    for l in langs:
        stats.append((l, "filler", len(filler[l])))

    # Grouping set.
    common = sorted(k for k in en if all(k in items[l] for l in GROUP_LANGS if l != "en"))
    rng = random.Random(SEED)
    chosen = sorted(rng.sample(common, min(GROUP_N, len(common))))
    rows = []
    for key in chosen:
        for l in GROUP_LANGS:
            rows.append((key, l, en[key][1] if l == "en" else items[l][key]))
    rng.shuffle(rows)
    write_lines(os.path.join(outdir, "group.txt"), [one_line(t) for _, _, t in rows])
    write_lines(os.path.join(outdir, "group.key.tsv"),
                ["line\titem\tlang"] + ["%d\t%s\t%s" % (i + 1, k, l) for i, (k, l, _) in enumerate(rows)])
    stats.append(("group", "candidates", len(common)))
    stats.append(("group", "items", len(chosen)))
    stats.append(("group", "texts", len(rows)))

    # Retrieval pools.
    for lang in TARGET_LANGS:
        rng = random.Random("%d-%s" % (SEED, lang))
        keys = sorted(items[lang])
        queried = sorted(rng.sample(keys, min(QMAX, len(keys))))
        qset = set(queried)
        # Distractors: the other items' texts and the pages without English,
        # sampled when there are too many; then filler paragraphs.
        man_d = sorted([(k, items[lang][k]) for k in keys if k not in qset] +
                       list(others[lang].items()))
        room = POOL - len(queried)
        if len(man_d) > room:
            man_d = sorted(rng.sample(man_d, max(room, 0)))
        room -= len(man_d)
        fl = filler[lang]
        fill_d = sorted(rng.sample(fl, min(room, len(fl)))) if room > 0 else []
        docs = [("target", k, items[lang][k]) for k in queried] + \
               [("man", k, t) for k, t in man_d] + [("filler", k, t) for k, t in fill_d]
        # The English pool: the same man pages in English where English has
        # them, then English filler paragraphs up to the same size.
        en_docs = [(kind, k, en[k][1]) for kind, k, _ in docs if kind != "filler" and k in en]
        need = len(docs) - len(en_docs)
        en_docs += [("filler", k, t) for k, t in sorted(rng.sample(filler["en"],
                                                                  min(need, len(filler["en"]))))]
        need = len(docs) - len(en_docs)
        if need > 0:        # English filler ran out: other English man pages
            spare = sorted(k for k in en if k not in {d[1] for d in docs})
            en_docs += [("man", k, en[k][1]) for k in sorted(rng.sample(spare, min(need, len(spare))))]
        for name, dl in (("pool.%s" % lang, docs), ("pool.en-%s" % lang, en_docs)):
            # Shuffled, so that no kind of text gets the low ids. Texts equal
            # up to case and spacing, which plotline stores once, are kept
            # once (the first; targets are unique by construction).
            rng.shuffle(dl)
            seen, keep = set(), []
            for d in dl:
                k = norm_key(d[2])
                if k not in seen or d[0] == "target":
                    seen.add(k)
                    keep.append(d)
            dl[:] = keep
            write_lines(os.path.join(outdir, name + ".txt"), [one_line(t) for _, _, t in dl])
            write_lines(os.path.join(outdir, name + ".key.tsv"),
                        ["line\tkind\tdoc"] + ["%d\t%s\t%s" % (i + 1, kind, k)
                                               for i, (kind, k, _) in enumerate(dl)])
        line_of = {k: i + 1 for i, (kind, k, _) in enumerate(docs) if kind == "target"}
        en_line = {k: i + 1 for i, (kind, k, _) in enumerate(en_docs) if kind == "target"}
        write_lines(os.path.join(outdir, "queries.%s.txt" % lang), [en[k][0] for k in queried])
        write_lines(os.path.join(outdir, "queries.%s.key.tsv" % lang),
                    ["line\ttarget_line\ten_target_line\tpage"] +
                    ["%d\t%d\t%d\t%s" % (i + 1, line_of[k], en_line[k], k)
                     for i, k in enumerate(queried)])
        kinds = collections.Counter(kind for kind, _, _ in docs)
        stats.append((lang, "queries", len(queried)))
        stats.append((lang, "pool", len(docs)))
        stats.append((lang, "pool man", kinds["target"] + kinds["man"]))
        stats.append((lang, "pool filler", kinds["filler"]))
        stats.append(("en-" + lang, "pool", len(en_docs)))

    write_lines(os.path.join(outdir, "stats.tsv"),
                ["lang\twhat\tcount"] + ["%s\t%s\t%d" % s for s in stats])
    for s in stats:
        print("%-6s %-12s %6d" % s)


if __name__ == "__main__":
    main()
