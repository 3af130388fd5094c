// extract-mo.mjs - turns gettext catalogs (.mo) into plain-text training
// files: the translated messages of each locale, one a line.
//
// Usage: node extract-mo.mjs <locale-root> <corpus-dir> <name> <max-bytes> [skip]
// Reads <locale-root>/<locale>/LC_MESSAGES/*.mo and appends to
// <corpus-dir>/<code>/<name>.txt, for languages the corpus already has (a
// folder per code, made by extract-udhr.mjs). Markup, variables and format
// directives are removed; at most <max-bytes> of text per language are kept,
// so that no language's model is much richer than its neighbours'. English
// comes from the message ids, which are the English originals. `skip` is a
// comma-separated list of codes to leave out: a language whose close
// neighbour the catalogs lack (Afrikaans without Dutch) would otherwise win
// the neighbour's texts on vocabulary alone.
import fs from 'node:fs';
import path from 'node:path';

// Locale folder -> code; locales not listed use the part before "_" or "@".
const LOCALE = {
    nb_NO: 'nb', pt_BR: 'pt', zh_CN: 'zh', zh_TW: 'zh', 'sr@latin': 'sr',
    en_GB: '', 'en@shaw': '', racv: '', 'sr@ijekavian': '', 'sr@ijekavianlatin': '',
};

function readMo(file) {
    const b = fs.readFileSync(file);
    const magic = b.readUInt32LE(0);
    const rd = magic === 0x950412de ? (o) => b.readUInt32LE(o) : (o) => b.readUInt32BE(o);
    const n = rd(8), origTab = rd(12), transTab = rd(16);
    const pairs = [];
    for (let i = 0; i < n; i++) {
        const ol = rd(origTab + 8 * i), oo = rd(origTab + 8 * i + 4);
        const tl = rd(transTab + 8 * i), to = rd(transTab + 8 * i + 4);
        const id = b.toString('utf8', oo, oo + ol);
        const tr = b.toString('utf8', to, to + tl);
        if (id === '') continue; // the header entry
        pairs.push([id, tr]);
    }
    return pairs;
}

// Message text without markup, placeholders and layout.
function clean(s) {
    return s
        .replace(/<[^>]*>/g, ' ')
        .replace(/\$[\w.|]+/g, ' ')
        .replace(/%[-+ #0-9.]*[a-zA-Z]/g, ' ')
        .replace(/\{[^}]*\}/g, ' ')
        .replace(/[_~^&@]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
}

const [root, corpus, name, maxArg, skipArg] = process.argv.slice(2);
const skip = new Set((skipArg ?? '').split(',').filter((c) => c));
if (!root || !corpus || !name || !maxArg) {
    console.error('usage: node extract-mo.mjs <locale-root> <corpus-dir> <name> <max-bytes>');
    process.exit(2);
}
const max = Number(maxArg);
const texts = new Map(); // code -> lines
const english = new Set(); // every message id: the English originals
for (const loc of fs.readdirSync(root).sort()) {
    const code = loc in LOCALE ? LOCALE[loc] : loc.split(/[_@]/)[0];
    const dir = path.join(root, loc, 'LC_MESSAGES');
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
        if (!f.endsWith('.mo')) continue;
        const pairs = readMo(path.join(dir, f));
        for (const [id] of pairs) english.add(id);
        if (!code || skip.has(code) || !fs.existsSync(path.join(corpus, code))) continue;
        const lines = texts.get(code) ?? [];
        for (const [, tr] of pairs)
            for (const form of tr.split('\0')) {
                const t = clean(form);
                if (/\p{L}.*\p{L}/u.test(t)) lines.push(t.normalize('NFC'));
            }
        texts.set(code, lines);
    }
}
if (english.size && fs.existsSync(path.join(corpus, 'en')))
    texts.set('en', [...english].map((id) => clean(id)).filter((t) => /\p{L}.*\p{L}/u.test(t)));
for (const [code, lines] of [...texts.entries()].sort()) {
    // Distinct messages, then an even sample of them when they exceed the
    // budget: every catalog (every campaign) contributes, not just the
    // first ones, which widens the vocabulary at the same size.
    const uniq = [...new Set(lines)];
    const total = uniq.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    const step = Math.max(1, total / max);
    let out = '';
    for (let x = 0; x < uniq.length; x += step) {
        const l = uniq[Math.floor(x)];
        if (Buffer.byteLength(out) + Buffer.byteLength(l) + 1 > max) break;
        out += l + '\n';
    }
    if (out.length < 2000) continue; // a few stray messages say little
    fs.writeFileSync(path.join(corpus, code, name + '.txt'), out);
    console.error(`extract-mo: ${name} ${code} ${Buffer.byteLength(out)} bytes`);
}
