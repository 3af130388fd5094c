// report.mjs - turns the predictions of bench/langid's run into the report:
// accuracy per bucket (the 9 and the 17 languages), per language, the main
// confusions, and throughput, each as a ratio to the best peer.
//
// Usage: node report.mjs <sets-dir> <pred-dir> <times-file> <ids...>
// The first id is plotline, the ones after "--" are informational rows (not
// peers, not counted as "best peer"). <times-file> has "id bucket seconds
// bytes" lines. A prediction counts when it is exactly the label; "und" and
// any other code are wrong.
import fs from 'node:fs';
import path from 'node:path';

const [setsDir, predDir, timesFile, ...idArgs] = process.argv.slice(2);
const sep = idArgs.indexOf('--');
const ids = sep < 0 ? idArgs : idArgs.filter((x) => x !== '--');
const extra = new Set(sep < 0 ? [] : idArgs.slice(sep + 1));
const [self] = ids;
const peers = ids.filter((x) => x !== self && !extra.has(x));
const NINE = ['de', 'en', 'fi', 'fr', 'hu', 'it', 'es', 'pt', 'el'];
const SEVENTEEN = [...NINE, 'nl', 'pl', 'ru', 'cs', 'da', 'nb', 'ro', 'ja'];
const BUCKETS = ['short', 'medium', 'long'];

const gold = {}, pred = {}, conf = {};
for (const b of BUCKETS) {
    gold[b] = fs.readFileSync(path.join(setsDir, b + '.tsv'), 'utf8').split('\n').filter((l) => l).map((l) => l.split('\t')[0]);
    pred[b] = {};
    for (const id of ids) {
        const f = path.join(predDir, `${b}.${id}`);
        if (!fs.existsSync(f)) continue;
        const lines = fs.readFileSync(f, 'utf8').split('\n').slice(0, gold[b].length);
        pred[b][id] = lines.map((l) => l.split('\t')[0]);
        // A second column is the confidence (plotline's harness writes it).
        if (lines[0] && lines[0].includes('\t')) (conf[id] ??= {})[b] = lines.map((l) => Number(l.split('\t')[1]));
    }
}
const times = {};
for (const l of fs.readFileSync(timesFile, 'utf8').split('\n').filter((x) => x)) {
    const [id, b, s, n] = l.split(' ');
    times[`${id} ${b}`] = {s: Number(s), n: Number(n)};
}

function acc(b, id, langs) {
    const p = pred[b][id];
    if (!p) return null;
    let ok = 0, n = 0;
    gold[b].forEach((g, i) => {
        if (!langs.includes(g)) return;
        n++;
        if (p[i] === g) ok++;
    });
    return n ? ok / n : null;
}
const pct = (x) => (x == null ? '—' : (100 * x).toFixed(1) + '%');
const ratio = (x, best) => (x == null || !best ? '—' : (x / best).toFixed(3) + '×');
const out = [];
const row = (cells) => out.push('| ' + cells.join(' | ') + ' |');
const head = (cells) => {
    row(cells);
    row(cells.map(() => '---'));
};

// Accuracy summary, with plotline's ratio to the best peer per column.
const cols = [['short', NINE], ['medium', NINE], ['long', NINE], ['short', SEVENTEEN], ['medium', SEVENTEEN], ['long', SEVENTEEN]];
const speed = (id) => {
    const t = times[`${id} medium`];
    return t ? t.n / t.s / 1e6 : null;
};
out.push('Accuracy (exact language; "und" is wrong) and speed on the medium texts:\n');
head(['identifier', ...cols.map(([b, l]) => `${b}, ${l.length} langs`), 'MB/s (medium)']);
for (const id of ids)
    row([id, ...cols.map(([b, l]) => pct(acc(b, id, l))), speed(id) == null ? '—' : speed(id).toFixed(2)]);
const best = cols.map(([b, l]) => Math.max(...peers.map((p) => acc(b, p, l) ?? 0)));
const bestSpeed = Math.max(...peers.map((p) => speed(p) ?? 0));
row([`${self} ÷ best peer`, ...cols.map(([b, l], i) => ratio(acc(b, self, l), best[i])), ratio(speed(self), bestSpeed)]);
out.push('');

// Per language.
for (const b of BUCKETS) {
    out.push(`Accuracy per language, ${b} texts:\n`);
    head(['lang', 'n', ...ids, `${self} ÷ best peer`]);
    for (const l of SEVENTEEN) {
        const n = gold[b].filter((g) => g === l).length;
        const a = ids.map((id) => acc(b, id, [l]));
        const bp = Math.max(...peers.map((p) => acc(b, p, [l]) ?? 0));
        row([l, String(n), ...a.map(pct), ratio(a[0], bp)]);
    }
    out.push('');
}

// Confusions over all buckets.
out.push('Main confusions (label → answer, count over all buckets):\n');
head(['identifier', 'top confusions']);
for (const id of ids) {
    const c = new Map();
    for (const b of BUCKETS) {
        const p = pred[b][id];
        if (!p) continue;
        gold[b].forEach((g, i) => {
            if (p[i] !== g) c.set(`${g}→${p[i]}`, (c.get(`${g}→${p[i]}`) ?? 0) + 1);
        });
    }
    row([id, [...c.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 8).map(([k, v]) => `${k} ${v}`).join(', ')]);
}
out.push('');

// Throughput per bucket.
out.push('Throughput (MB/s of UTF-8 text, identification calls only, one core):\n');
head(['identifier', ...BUCKETS, `medium ÷ best peer`]);
for (const id of ids)
    row([id, ...BUCKETS.map((b) => {
        const t = times[`${id} ${b}`];
        return t ? (t.n / t.s / 1e6).toFixed(2) : '—';
    }), ratio(speed(id), bestSpeed)]);

// Calibration: how often answers given with a confidence are right.
for (const [id, byBucket] of Object.entries(conf)) {
    out.push('');
    out.push(`Calibration of ${id}'s confidences (all buckets, 17 languages):\n`);
    head(['confidence', 'answers', 'mean confidence', 'accuracy']);
    const bins = [[0, 0.5], [0.5, 0.7], [0.7, 0.9], [0.9, 0.99], [0.99, 1.01]];
    for (const [lo, hi] of bins) {
        let n = 0, sum = 0, ok = 0;
        for (const b of BUCKETS) {
            const c = byBucket[b];
            if (!c) continue;
            gold[b].forEach((g, i) => {
                if (c[i] >= lo && c[i] < hi) {
                    n++;
                    sum += c[i];
                    if (pred[b][id][i] === g) ok++;
                }
            });
        }
        row([`${lo.toFixed(2)}–${Math.min(hi, 1).toFixed(2)}`, String(n), n ? (sum / n).toFixed(3) : '—', n ? pct(ok / n) : '—']);
    }
}
console.log(out.join('\n'));
