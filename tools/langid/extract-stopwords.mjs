// extract-stopwords.mjs - turns the npm package `stopwords-iso` (the most
// common function words of ~60 languages) into training files, one word a
// line. Function words are what a short text is identified by, and the
// declarations of human rights lack many of them (no "I", no past tense).
//
// Usage: node extract-stopwords.mjs <node_modules/stopwords-iso> <corpus-dir>
// Writes <corpus-dir>/<code>/stopwords.txt for languages the corpus has.
import fs from 'node:fs';
import path from 'node:path';

const CODE = {no: 'nb'}; // stopwords-iso code -> plotline code when they differ

const [src, corpus] = process.argv.slice(2);
if (!src || !corpus) {
    console.error('usage: node extract-stopwords.mjs <node_modules/stopwords-iso> <corpus-dir>');
    process.exit(2);
}
const lists = JSON.parse(fs.readFileSync(path.join(src, 'stopwords-iso.json'), 'utf8'));
let n = 0;
for (const k of Object.keys(lists).sort()) {
    const dir = path.join(corpus, CODE[k] ?? k);
    if (!fs.existsSync(dir)) continue;
    const words = lists[k].filter((w) => /\p{L}/u.test(w)).map((w) => w.normalize('NFC'));
    fs.writeFileSync(path.join(dir, 'stopwords.txt'), words.join('\n') + '\n');
    n++;
}
console.error(`extract-stopwords: ${n} languages`);
