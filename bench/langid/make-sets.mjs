// make-sets.mjs - builds the held-out language identification test sets from
// Debian's translated man pages, fortune cookies and GNOME help pages.
//
// Usage: node make-sets.mjs <pkg-root> <english-man-roots> <out-dir> [per-bucket]
// <pkg-root> holds one folder per unpacked Debian package (manpages-de/usr/...,
// fortunes-de/usr/..., gnome-user-docs/usr/...). Writes <out-dir>/short.tsv,
// medium.tsv and long.tsv (<english-man-roots>: colon-separated man folders
// holding the English originals, man1/ls.1.gz etc.): "code<TAB>source<TAB>text" lines, up to
// `per-bucket` (default 600) per language, drawn in turn from the sources a
// language has so that no single kind of text dominates. These texts are
// never used to train plotline's model (tools/langid/build-model.sh uses none
// of these packages): that is what makes the figures honest.
//
// Translated man pages and help pages keep, untranslated, the English
// paragraphs no translator got to. A paragraph labelled X is dropped when
//   - it is (after folding case and non-letters) a paragraph of the English
//     original of the same page, or of any English page in the set, or
//   - half or more of its word 3-grams occur in the English original, or
//   - 15% or more of its words (at least two; one in a text of up to four
//     words) are among the 150 most frequent English words and not among the
//     300 most frequent of X's own texts ("the", "of", "with" ... but not "in"
//     for German, "is" for Dutch), or
//   - half or more of its words (at least two) are words of the English texts
//     (their 20000 most frequent) and not among X's 300 most frequent.
// A paragraph repeated on many pages (the translators' credits) counts once.
// Non-Latin languages (el, ru, ja) also need most of their letters in their
// own script. All choices are seeded: the same packages give the same sets.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [pkgRoot, enManRoot, outDir, perArg] = process.argv.slice(2);
if (!pkgRoot || !enManRoot || !outDir) {
    console.error('usage: node make-sets.mjs <pkg-root> <english-man-roots> <out-dir> [per-bucket]');
    process.exit(2);
}
const PER = Number(perArg ?? 600);
const LANGS = ['de', 'en', 'fi', 'fr', 'hu', 'it', 'es', 'pt', 'el',
               'nl', 'pl', 'ru', 'cs', 'da', 'nb', 'ro', 'ja'];
const BUCKETS = {short: [20, 60], medium: [60, 200], long: [200, 1000]};

// Seeded generator (mulberry32): the same sets on every run.
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function walk(dir, out = []) {
    if (!fs.existsSync(dir)) return out;
    for (const e of fs.readdirSync(dir, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p, out);
        else if (e.isFile()) out.push(p);
    }
    return out;
}

const tidy = (s) => s.normalize('NFC').replace(/[\t\r\n\u00A0]+/g, ' ').replace(/\s+/g, ' ').trim();

// ---- roff to paragraphs --------------------------------------------------

const ROFF_CHARS = {
    aq: "'", lq: '"', rq: '"', oq: "'", cq: "'", em: '—', en: '–', hy: '-', bu: '•',
    co: '©', rg: '®', dq: '"', Fo: '«', Fc: '»', fo: '‹', fc: '›', ga: '`', ha: '^',
    ti: '~', mi: '-', pl: '+', mu: '×', '<=': '≤', '>=': '≥', ua: '↑', da: '↓',
    ra: '→', la: '←', de: '°', 'r!': '¡', 'r?': '¿', ss: 'ß', ff: 'ff',
};

function roffInline(s) {
    return s
        .replace(/\\f(\[[^\]]*\]|\(..|.)/g, '')
        .replace(/\\\*(\[[^\]]*\]|\(..|.)/g, '')
        .replace(/\\\((..)/g, (m, c) => ROFF_CHARS[c] ?? '')
        .replace(/\\\[([^\]]*)\]/g, (m, c) => ROFF_CHARS[c] ?? (/^u[0-9A-F]{4,5}$/.test(c) ? String.fromCodePoint(parseInt(c.slice(1), 16)) : ''))
        .replace(/\\[sS][-+]?\d+/g, '')
        .replace(/\\[hvwloxDNCHbkzZ]'[^']*'/g, '')
        .replace(/\\[-]/g, '-')
        .replace(/\\e/g, '\\')
        .replace(/\\[ ~0|^&%:c,/\n)]/g, (m) => (m === '\\ ' || m === '\\~' || m === '\\0' ? ' ' : ''))
        .replace(/\\./g, '');
}

// Paragraphs of running text: fill-mode text lines between paragraph macros.
// Examples (.nf/.EX), tables (.TS) and the synopsis lines are left out.
function roffParagraphs(src) {
    const paras = [];
    let cur = [], skip = 0;
    const flush = () => {
        const t = tidy(cur.join(' '));
        if (t) paras.push(t);
        cur = [];
    };
    for (const line of src.split('\n')) {
        if (/^[.']\s*\\"/.test(line) || line.startsWith('\\"')) continue;
        const m = /^[.']\s*([A-Za-z]+)\s*(.*)$/.exec(line);
        if (m) {
            const mac = m[1];
            if (mac === 'nf' || mac === 'EX' || mac === 'TS' || mac === 'de' || mac === 'ig') {
                flush();
                skip = mac === 'de' || mac === 'ig' ? 2 : 1;
            } else if (mac === 'fi' || mac === 'EE' || mac === 'TE' || (skip === 2 && mac === '')) {
                skip = 0;
            } else if (/^(I|B|IR|RI|BR|RB|BI|IB|SM|SB|UR|MT)$/.test(mac) && !skip) {
                // Font macros carry text: words of a sentence set in bold.
                cur.push(roffInline(m[2].replace(/"/g, '')));
            } else if (!skip) {
                flush();
            }
            continue;
        }
        if (line === '..') {
            skip = 0;
            continue;
        }
        if (skip) continue;
        if (line.trim() === '') {
            flush();
            continue;
        }
        cur.push(roffInline(line));
    }
    flush();
    return paras;
}

function readMan(file) {
    let b = fs.readFileSync(file);
    if (file.endsWith('.gz')) b = zlib.gunzipSync(b);
    return b.toString('utf8');
}

// ---- Mallard (.page) to paragraphs ---------------------------------------

const ENT = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' '};
const decodeEnt = (s) => s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
        : ENT[e.toLowerCase()] ?? m);

function pageParagraphs(xml) {
    const body = xml.replace(/<info>[\s\S]*?<\/info>/g, '').replace(/<(code|screen|cmd|input|output|sys|file|key|keyseq|app|gui|guiseq|link|media)\b[^>]*\/>/g, ' ')
        .replace(/<(code|screen|cmd|input|output|sys|file|keyseq|key)\b[^>]*>[\s\S]*?<\/\1>/g, ' ');
    const out = [];
    for (const m of body.matchAll(/<(p|title|desc)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
        const t = tidy(decodeEnt(m[2].replace(/<[^>]*>/g, '')));
        if (t) out.push(t);
    }
    return out;
}

// ---- fortune files to paragraphs -----------------------------------------

function fortuneParagraphs(text) {
    return text.split(/\n%+\n?/).map((f) => tidy(f.replace(/^\s*--.*$/gm, ''))).filter((t) => t);
}

// ---- the English filter --------------------------------------------------

const fold = (s) => s.toLowerCase().replace(/[^\p{L}]+/gu, ' ').trim();
const words = (s) => fold(s).split(' ').filter((w) => w);

function shingles(ws, n = 3) {
    const out = [];
    for (let i = 0; i + n <= ws.length; i++) out.push(ws.slice(i, i + n).join(' '));
    return out;
}

// English reference: every paragraph of the English man pages and help pages
// the translations derive from.
const englishParas = new Set();
const englishShingleCache = new Map(); // page name -> Set of 3-grams of the English original
const enWordFreq = new Map();

function englishPage(name) {
    if (englishShingleCache.has(name)) return englishShingleCache.get(name);
    let set = null;
    const sec = name.replace(/^.*\.(\d)\w*$/, 'man$1');
    for (const r of enManRoot.split(':')) {
        const f = path.join(r, sec, name + '.gz');
        if (set) break;
        if (fs.existsSync(f)) {
            set = new Set();
            for (const p of roffParagraphs(readMan(f))) for (const s of shingles(words(p))) set.add(s);
        }
    }
    englishShingleCache.set(name, set);
    return set;
}

// ---- collecting ----------------------------------------------------------

// lang -> source -> list of documents, each a list of paragraphs
const docs = new Map(LANGS.map((l) => [l, new Map()]));
const addDoc = (lang, source, paras, ref) => {
    if (!paras.length) return;
    const m = docs.get(lang);
    if (!m.has(source)) m.set(source, []);
    m.get(source).push({paras, ref});
};

const MAN_DIR = {pt: 'pt_BR'};
const manPkg = (l) => (l === 'pt' ? 'manpages-pt-br' : 'manpages-' + l);
for (const lang of LANGS) {
    const root = lang === 'en'
        ? path.join(pkgRoot, 'manpages/usr/share/man')
        : path.join(pkgRoot, manPkg(lang), 'usr/share/man', MAN_DIR[lang] ?? lang);
    for (const f of walk(root)) {
        if (!/\/man\d\w*\/[^/]+\.gz$/.test(f)) continue;
        const name = path.basename(f, '.gz');
        addDoc(lang, 'man', roffParagraphs(readMan(f)), name);
    }
}
for (const d of docs.get('en').get('man') ?? [])
    for (const p of d.paras) englishParas.add(fold(p));

const GNOME = {pt: 'pt_BR', en: 'C'};
for (const lang of LANGS) {
    const dir = path.join(pkgRoot, 'gnome-user-docs/usr/share/help', GNOME[lang] ?? lang);
    for (const f of walk(dir)) {
        if (!f.endsWith('.page')) continue;
        const paras = pageParagraphs(fs.readFileSync(f, 'utf8'));
        addDoc(lang, 'gnome', paras, 'gnome:' + path.relative(dir, f));
        if (lang === 'en') for (const p of paras) englishParas.add(fold(p));
    }
}
// English originals of the help pages, by page, for the 3-gram check.
for (const d of docs.get('en').get('gnome') ?? []) {
    const set = new Set();
    for (const p of d.paras) for (const s of shingles(words(p))) set.add(s);
    englishShingleCache.set(d.ref, set);
}

const FORTUNES = {
    en: ['fortunes-min/usr/share/games/fortunes', 'fortunes/usr/share/games/fortunes'],
    de: ['fortunes-de/usr/share/games/fortunes/de'], es: ['fortunes-es/usr/share/games/fortunes/es'],
    it: ['fortunes-it/usr/share/games/fortunes/it'], pl: ['fortunes-pl/usr/share/games/fortunes/pl'],
    ru: ['fortunes-ru/usr/share/games/fortunes/ru'], pt: ['fortunes-br/usr/share/games/fortunes'],
    cs: ['fortunes-cs/usr/share/games/fortunes/cs'],
};
// Files that are pictures, lists of names, or another language.
const FORTUNE_SKIP = /(^|\/)(art|ascii-art|asciiart|banner|klasik-sk|vornamen|namen|translate-me|off\/.*|[^/]*\.(dat|u8))$/;
for (const [lang, dirs] of Object.entries(FORTUNES)) {
    for (const d of dirs) {
        const root = path.join(pkgRoot, d);
        const files = lang === 'en' || lang === 'pt'
            ? fs.readdirSync(root).sort().map((f) => path.join(root, f)).filter((f) => fs.statSync(f).isFile())
            : walk(root);
        for (const f of files) {
            if (FORTUNE_SKIP.test(path.relative(root, f))) continue;
            const paras = fortuneParagraphs(fs.readFileSync(f, 'utf8'));
            // Each fortune is a document of its own.
            for (const p of paras) addDoc(lang, 'fortune', [p], null);
        }
    }
}

// Frequent words: English ones from the English texts; each language's own
// from its texts, to spare the words English shares with it.
function topWords(lang, n) {
    const freq = new Map();
    for (const list of docs.get(lang).values())
        for (const d of list) for (const p of d.paras) for (const w of words(p)) freq.set(w, (freq.get(w) ?? 0) + 1);
    return [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([w]) => w);
}
const enTop = topWords('en', 150);
for (const w of enTop) enWordFreq.set(w, 1);

const SCRIPT = {el: /\p{Script=Greek}/u, ru: /\p{Script=Cyrillic}/u,
                ja: /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u};

const dropped = {};
function keep(lang, p, ref) {
    const letters = [...p].filter((c) => /\p{L}/u.test(c));
    const nonSpace = p.replace(/\s/g, '').length;
    if (letters.length < 12 || letters.length < 0.7 * nonSpace) return false;
    if (SCRIPT[lang]) {
        const own = letters.filter((c) => SCRIPT[lang].test(c)).length;
        if (own < 0.6 * letters.length) return (dropped[lang] = (dropped[lang] ?? 0) + 1), false;
    }
    if (lang === 'en') return true;
    const f = fold(p);
    if (englishParas.has(f)) return (dropped[lang] = (dropped[lang] ?? 0) + 1), false;
    const ws = words(p);
    if (ref) {
        const en = englishPage(ref);
        const sh = shingles(ws);
        if (en && sh.length && sh.filter((s) => en.has(s)).length * 2 >= sh.length)
            return (dropped[lang] = (dropped[lang] ?? 0) + 1), false;
    }
    const hits = ws.filter((w) => EN_ONLY[lang].has(w)).length;
    if ((hits >= 2 && hits >= 0.15 * ws.length) || (hits >= 1 && ws.length <= 4))
        return (dropped[lang] = (dropped[lang] ?? 0) + 1), false;
    const vocab = ws.filter((w) => EN_VOCAB.has(w) && !OWN[lang].has(w)).length;
    if (ws.length >= 2 && vocab * 2 >= ws.length)
        return (dropped[lang] = (dropped[lang] ?? 0) + 1), false;
    return true;
}
const EN_ONLY = {}, OWN = {};
const EN_VOCAB = new Set(topWords('en', 20000));
for (const lang of LANGS) {
    const own = new Set(topWords(lang, 300));
    OWN[lang] = own;
    EN_ONLY[lang] = new Set(enTop.filter((w) => !own.has(w) && w.length > 1));
}

// ---- sampling ------------------------------------------------------------

// Cuts text to at most `max` codepoints at a word boundary, at least `min`.
function cut(text, min, max) {
    const cps = [...text];
    if (cps.length <= max) return cps.length >= min ? text : null;
    let end = max;
    while (end > min && cps[end] !== ' ') end--;
    if (end <= min) return null;
    return cps.slice(0, end).join('').trim();
}

fs.mkdirSync(outDir, {recursive: true});
const summary = [];
for (const [bucket, [lo, hi]] of Object.entries(BUCKETS)) {
    const lines = [];
    for (const lang of LANGS) {
        const r = rng(0x5EED ^ (LANGS.indexOf(lang) * 7919) ^ (lo * 31));
        // Candidate texts per source: paragraphs (joined with the following
        // ones of the same document when too short), shuffled.
        const pools = [];
        const usedPara = new Set(); // boilerplate repeated on every page counts once
        for (const [source, list] of [...docs.get(lang).entries()].sort()) {
            const pool = [];
            for (const d of list) {
                const ok = d.paras.filter((p) => !usedPara.has(p) && keep(lang, p, d.ref));
                for (const p of ok) usedPara.add(p);
                for (let i = 0; i < ok.length; i++) {
                    let t = ok[i];
                    for (let j = i + 1; [...t].length < lo && j < ok.length; j++) t += ' ' + ok[j];
                    pool.push(t);
                }
            }
            for (let i = pool.length - 1; i > 0; i--) {
                const j = Math.floor(r() * (i + 1));
                [pool[i], pool[j]] = [pool[j], pool[i]];
            }
            pools.push({source, pool, at: 0});
        }
        const seen = new Set();
        let n = 0;
        const count = {};
        for (let live = true; n < PER && live;) {
            live = false;
            for (const s of pools) {
                while (s.at < s.pool.length) {
                    const target = lo + Math.floor(r() * (hi - lo + 1));
                    const t = cut(s.pool[s.at++], lo, target);
                    if (!t || seen.has(t)) continue;
                    seen.add(t);
                    lines.push(`${lang}\t${s.source}\t${t}`);
                    count[s.source] = (count[s.source] ?? 0) + 1;
                    n++;
                    live = true;
                    break;
                }
                if (n >= PER) break;
            }
        }
        summary.push(`${bucket} ${lang} ${n} ${JSON.stringify(count)}`);
    }
    fs.writeFileSync(path.join(outDir, bucket + '.tsv'), lines.join('\n') + '\n');
}
console.error(summary.join('\n'));
console.error('dropped as English or foreign script (paragraph checks, all buckets):', JSON.stringify(dropped));
