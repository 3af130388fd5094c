/*
 * test_xling.c - the cross-lingual lexicon over the real data/xling/lexicon.bin:
 * translations that must hold, phrases, the way through English,
 * decompounding, and rejection of damaged bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "check.h"
#include "text/text.h"
#include "util/buf.h"
#include "xling/lexicon_format.h"
#include "xling/xling.h"

static unsigned char *load(size_t *size) {
    const char *tries[3] = {"data/xling/lexicon.bin", "../data/xling/lexicon.bin", NULL};
    char path[4096];
    const char *samples = getenv("PLOTLINE_SAMPLES");
    if (samples) {
        snprintf(path, sizeof path, "%s/../xling/lexicon.bin", samples);
        tries[2] = path;
    }
    for (int i = 0; i < 3; i++) {
        if (!tries[i]) continue;
        FILE *f = fopen(tries[i], "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        unsigned char *d = malloc(n > 0 ? (size_t)n : 1);
        if (d && n > 0 && fread(d, 1, (size_t)n, f) == (size_t)n) {
            fclose(f);
            *size = (size_t)n;
            return d;
        }
        free(d);
        fclose(f);
    }
    return NULL;
}

/* Collects translations as "lang:term term|..." for substring checks. */
typedef struct {
    char out[8192];
    size_t len;
    double last_w;
    int ordered;
    char last_lang[8];
    char last_term[128]; /* the previous translation's terms, space-joined */
} sink;

static int collect(void *ctx, const char *lang, const char *const *terms, int n, double w) {
    sink *s = ctx;
    char term[128];
    size_t tl = 0;
    term[0] = 0;
    for (int i = 0; i < n && tl < sizeof term; i++)
        tl += (size_t)snprintf(term + tl, sizeof term - tl, "%s%s", i ? " " : "", terms[i]);
    /* Best first, and equal weights in the order of their terms' bytes. */
    if (strcmp(s->last_lang, lang) == 0 &&
        (w > s->last_w + 1e-9 || (w > s->last_w - 1e-9 && strcmp(s->last_term, term) > 0)))
        s->ordered = 0;
    snprintf(s->last_lang, sizeof s->last_lang, "%s", lang);
    snprintf(s->last_term, sizeof s->last_term, "%s", term);
    s->last_w = w;
    s->len += (size_t)snprintf(s->out + s->len, sizeof s->out - s->len, "|%s:", lang);
    for (int i = 0; i < n && s->len < sizeof s->out; i++)
        s->len += (size_t)snprintf(s->out + s->len, sizeof s->out - s->len, "%s%s",
                                   i ? " " : "", terms[i]);
    if (s->len >= sizeof s->out) s->len = sizeof s->out - 1;
    return 0;
}

/* The index terms of an analyzed text. */
typedef struct {
    char buf[256];
    const char *terms[4];
    int n;
    size_t used;
} terms_t;

static int add_term(void *ctx, const pl_token *tok) {
    terms_t *t = ctx;
    if (t->n == 4 || t->used + tok->len + 1 > sizeof t->buf) return 1;
    memcpy(t->buf + t->used, tok->term, tok->len);
    t->buf[t->used + tok->len] = 0;
    t->terms[t->n++] = t->buf + t->used;
    t->used += tok->len + 1;
    return 0;
}

/* Translates the analysis of `word` (one or more words) from src into tgt and
 * reports whether the analysis of `expect` in tgt is among the results, best
 * first, bounded. */
static int translates(pl_xling *x, pl_analyzer *a, const char *src, const char *word,
                      const char *tgt, const char *expect) {
    terms_t t = {.n = 0, .used = 0};
    pl_analyze(a, src, word, strlen(word), add_term, &t);
    sink s = {.len = 0, .ordered = 1, .last_lang = ""};
    s.out[0] = 0;
    const char *targets[1] = {tgt};
    int n = pl_xling_translate(x, src, t.terms, t.n, targets, 1, collect, &s);
    /* The expected word as the target language's index term. */
    terms_t e = {.n = 0, .used = 0};
    pl_analyze(a, tgt, expect, strlen(expect), add_term, &e);
    char want[256];
    size_t wl0 = (size_t)snprintf(want, sizeof want, "|%s:", tgt);
    for (int i = 0; i < e.n && wl0 < sizeof want; i++)
        wl0 += (size_t)snprintf(want + wl0, sizeof want - wl0, "%s%s", i ? " " : "",
                                e.terms[i]);
    size_t wl = strlen(want);
    int found = 0;
    for (const char *p = strstr(s.out, want); p; p = strstr(p + 1, want))
        if (p[wl] == 0 || p[wl] == '|') found = 1;
    if (!found || !s.ordered || n > PL_XLING_MAX_PER_LANG)
        fprintf(stderr, "%s \"%s\" -> %s: %d results%s: %s\n", src, word, tgt, n,
                s.ordered ? "" : " (not best first)", s.out);
    return found && s.ordered && n <= PL_XLING_MAX_PER_LANG;
}

/* Whether pl_xling_inflect gives the index term of `form` among the forms of
 * `word` (both analyzed in lang) as `want` says (1: it does, 0: it does not). */
static int inflects(pl_analyzer *a, const char *lang, const char *word, const char *form,
                    int want) {
    terms_t w = {.n = 0, .used = 0}, f = {.n = 0, .used = 0};
    pl_analyze(a, lang, word, strlen(word), add_term, &w);
    pl_analyze(a, lang, form, strlen(form), add_term, &f);
    if (w.n != 1 || f.n != 1) return 0;
    char term[PL_TERM_MAX + 1];
    snprintf(term, sizeof term, "%s", w.terms[0]);
    sink s = {.len = 0, .ordered = 1, .last_lang = ""};
    s.out[0] = 0;
    pl_xling_inflect(a, lang, term, collect, &s);
    char key[PL_TERM_MAX + 8];
    snprintf(key, sizeof key, "|%s:%s", lang, f.terms[0]);
    size_t kl = strlen(key);
    int found = 0;
    for (const char *p = strstr(s.out, key); p; p = strstr(p + 1, key))
        if (p[kl] == 0 || p[kl] == '|') found = 1;
    if (found != want)
        fprintf(stderr, "inflect %s \"%s\" (%s): %s\n", lang, word, term, s.out);
    return found == want;
}

static int splits(pl_xling *x, const char *lang, const char *word, const char *expect) {
    pl_xling_part parts[PL_XLING_MAX_PARTS];
    int n = pl_xling_decompound(x, lang, word, strlen(word), parts, PL_XLING_MAX_PARTS);
    char got[512] = "";
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", i ? " + " : "",
                                parts[i].surface);
    if (strcmp(got, expect) != 0) {
        fprintf(stderr, "decompound %s \"%s\": \"%s\", expected \"%s\"\n", lang, word, got,
                expect);
        return 0;
    }
    return 1;
}

int main(void) {
    size_t size = 0;
    unsigned char *data = load(&size);
    CHECK(data != NULL);
    if (!data) {
        fprintf(stderr,
                "data/xling/lexicon.bin not found (run from the source or build dir)\n");
        return CHECK_DONE();
    }
    pl_err err = PL_ERR_INIT;
    pl_xling *x = NULL;
    CHECK_INT(pl_xling_open(data, size, &x, &err), PL_OK);
    if (!x) {
        fprintf(stderr, "%s\n", err.msg);
        free(data);
        return CHECK_DONE();
    }
    pl_analyzer *a = NULL;
    CHECK_INT(pl_analyzer_new(&a), 0);

    /* Languages. */
    int has_de = 0, has_hu = 0;
    for (int i = 0; pl_xling_lang(x, i); i++) {
        has_de |= strcmp(pl_xling_lang(x, i), "de") == 0;
        has_hu |= strcmp(pl_xling_lang(x, i), "hu") == 0;
    }
    CHECK(has_de && has_hu);

    /* English to German, as index terms. */
    CHECK(translates(x, a, "en", "heart", "de", "herz"));
    CHECK(translates(x, a, "en", "pregnancy", "de", "schwangerschaft"));
    CHECK(translates(x, a, "en", "shoes", "de", "schuh"));
    CHECK(translates(x, a, "en", "credit card", "de", "Kreditkarte"));
    /* Into English, directly. */
    CHECK(translates(x, a, "fr", "coeur", "en", "heart"));
    CHECK(translates(x, a, "it", "cuore", "en", "heart"));
    CHECK(translates(x, a, "es", "tarjeta", "en", "card"));
    CHECK(translates(x, a, "de", "Herz", "en", "heart"));
    CHECK(translates(x, a, "hu", "szív", "en", "heart"));
    /* Between two other languages: direct or through English. */
    CHECK(translates(x, a, "fr", "cœur", "de", "herz"));
    CHECK(translates(x, a, "it", "cuore", "de", "herz"));
    CHECK(translates(x, a, "de", "Herz", "fi", "sydän"));

    /* Unknown sources and languages give nothing; bad arguments are refused. */
    const char *none[1] = {"qqqzzzx"};
    sink s = {.len = 0, .ordered = 1, .last_lang = ""};
    CHECK_INT(pl_xling_translate(x, "en", none, 1, NULL, 0, collect, &s), 0);
    CHECK_INT(pl_xling_translate_term(x, "xx", "heart", 5, NULL, 0, collect, &s), 0);
    CHECK_INT(pl_xling_translate(x, "en", none, 0, NULL, 0, collect, &s), PL_ERR_USAGE);
    /* All targets at once: several languages, none the source. */
    s.len = 0;
    s.out[0] = 0;
    int all = pl_xling_translate_term(x, "en", "heart", 5, NULL, 0, collect, &s);
    CHECK(all > 5);
    CHECK(strstr(s.out, "|en:") == NULL);

    /* Curated translations rank first (Apertium: "check" is comprobar, not
     * FreeDict's first sense, cheque), and a translation's inflected stems
     * come as variants: convertir's forms convierte, convirtió. */
    CHECK(translates(x, a, "en", "check", "es", "comprobar"));
    CHECK(translates(x, a, "en", "standard", "es", "estándar"));
    s.len = 0;
    s.out[0] = 0;
    CHECK(pl_xling_variants(x, "es", "convert", 7, collect, &s) >= 2);
    CHECK(strstr(s.out, "|es:conviert") != NULL);
    CHECK(strstr(s.out, "|es:convirt") != NULL);
    CHECK_INT(pl_xling_variants(x, "es", "zzzz", 4, collect, &s), 0);
    CHECK_INT(pl_xling_variants(x, "es", NULL, 0, collect, &s), PL_ERR_USAGE);
    /* A variant is looked up as its word: Spanish "convierte" reads back as
     * English "convert". */
    CHECK(translates(x, a, "es", "convierte", "en", "convert"));

    /* Pairs mined from the message catalogs, which no dictionary has
     * (English "filesystem"), and a dictionary's gloss ranked below the
     * words translators write: "stream" is Strom (after the loanword
     * Streaming), not "kleiner Wasserlauf". */
    CHECK(translates(x, a, "en", "filesystem", "de", "Dateisystem"));
    CHECK(translates(x, a, "en", "filesystem", "hu", "fájlrendszer"));
    s.len = 0;
    s.out[0] = 0;
    const char *de[1] = {"de"};
    CHECK(pl_xling_translate_term(x, "en", "stream", 6, de, 1, collect, &s) >= 1);
    const char *strom = strstr(s.out, "|de:strom"), *gloss = strstr(s.out, "wasserlauf");
    CHECK(strom != NULL && strom < s.out + 32 && (strom[9] == '|' || strom[9] == 0));
    CHECK(gloss == NULL || gloss > strom);
    /* Where a word has several phrases, the one translators write as words
     * of a phrase: French "système de fichiers", Spanish "nombre de
     * usuario", as a text has them, function word and all. */
    CHECK(translates(x, a, "en", "filesystem", "fr", "système de fichiers"));
    CHECK(translates(x, a, "en", "username", "es", "nombre de usuario"));
    CHECK(translates(x, a, "en", "password", "fr", "mot de passe"));
    /* The sense the catalogs use, wherever the dictionary lists it: Ding
     * has "string" as Schnur first, Zeichenkette seventh. */
    CHECK(translates(x, a, "en", "string", "de", "Zeichenkette"));
    /* A word's translations of equal weight come in the order of their
     * terms, whatever else the lexicon holds: German "umgekehrt" is
     * "invers" and "invert" alike, and grouping keys its first two senses. */
    {
        static const char *const de_words[] = {"umgekehrt", "herz", "schatz", "karte",
                                               "datei",     "zeit", "spiel",  "lauf"};
        for (size_t i = 0; i < sizeof de_words / sizeof *de_words; i++) {
            sink ts = {.len = 0, .ordered = 1, .last_lang = ""};
            pl_xling_translate_term(x, "de", de_words[i], strlen(de_words[i]), NULL, 0,
                                    collect, &ts);
            CHECK(ts.ordered);
        }
        CHECK(translates(x, a, "de", "umgekehrt", "en", "inverse"));
    }
    /* Aligned in the catalogs: "afficher" and "ausgeben" mostly render
     * "display" and "output", and only where no other word of a message
     * can have them do they go to "print" ("print the version"). */
    CHECK(translates(x, a, "en", "print", "fr", "afficher"));
    CHECK(translates(x, a, "en", "print", "de", "ausgeben"));
    /* Where the interfaces' "Print" buttons outweigh them even so, the
     * command-line tools' messages aligned on their own: Spanish "mostrar"
     * ("muestra la versión"), Hungarian "kiírás". */
    CHECK(translates(x, a, "en", "print", "es", "mostrar"));
    CHECK(translates(x, a, "en", "print", "hu", "kiírás"));
    /* eng-deu's entries come in the German side's alphabetical order: ranked
     * by the reverse dictionary instead, "credit" keeps Kredit (sixth entry,
     * after Anrechnung, Glaubwürdigkeit, Gutpunkt, Gutschrift). */
    CHECK(translates(x, a, "en", "credit", "de", "Kredit"));
    /* Qt's rich-text messages share a style sheet on both sides; read as
     * words, "9pt" and "0px" were each other's translations and German
     * "sans" (as "san") read as "qrichtext". The builder skips HTML tags. */
    s.len = 0;
    s.out[0] = 0;
    CHECK_INT(pl_xling_translate_term(x, "en", "9pt", 3, NULL, 0, collect, &s), 0);
    CHECK_INT(pl_xling_translate_term(x, "de", "san", 3, NULL, 0, collect, &s), 0);

    /* Inflected forms the stemmer keeps apart, by rule: a German weak
     * verb's third person and participle (with and without a separable
     * prefix), the -et only where German has it; a Hungarian noun of
     * action's verb. */
    CHECK(inflects(a, "de", "erzeugen", "erzeugt", 1));
    CHECK(inflects(a, "de", "speichern", "gespeichert", 1));
    CHECK(inflects(a, "de", "anzeigen", "angezeigt", 1));
    CHECK(inflects(a, "de", "bilden", "bildet", 1));
    CHECK(inflects(a, "de", "zeichnen", "zeichnet", 1));
    CHECK(inflects(a, "de", "berechnen", "berechnet", 1));

    /* Terms that function words become: German würde and wurde are both
     * "wurd", so a translation that becomes "wurd" is left out; "haus" is
     * no function word's, "the" is English's, not German's. */
    CHECK(pl_xling_stop_term(a, "de", "wurd", 4));
    CHECK(pl_xling_stop_term(a, "de", "der", 3));
    CHECK(!pl_xling_stop_term(a, "de", "haus", 4));
    CHECK(pl_xling_stop_term(a, "en", "the", 3));
    CHECK(!pl_xling_stop_term(a, "de", "the", 3));
    CHECK(!pl_xling_stop_term(a, "xx", "der", 3));
    CHECK(inflects(a, "de", "berechnen", "geberechnet", 0)); /* no ge- after be- */
    CHECK(inflects(a, "de", "Sock", "Socket", 0));           /* no -et after k */
    CHECK(inflects(a, "de", "konvertieren", "konvertiert", 1));
    CHECK(inflects(a, "hu", "átnevezés", "átnevezi", 1));
    CHECK(inflects(a, "hu", "módosítás", "módosítja", 1));
    CHECK(inflects(a, "hu", "működés", "mű", 0));
    CHECK_INT(pl_xling_inflect(a, "fr", "fichi", collect, &s), 0);
    CHECK_INT(pl_xling_inflect(NULL, "de", "erzeug", collect, &s), PL_ERR_USAGE);

    /* Decompounding, from surface words and from index terms. */
    CHECK(splits(x, "de", "Schwangerschaftstest", "schwangerschaft + test"));
    CHECK(splits(x, "de", "Babyparty", "baby + party"));
    CHECK(splits(x, "de", "Kreditkartenbezahlung", "kreditkarte + bezahlung"));
    CHECK(splits(x, "de", "kreditkartenbezahl", "kreditkarte + bezahl"));
    CHECK(splits(x, "de", "Herz", ""));
    CHECK(splits(x, "en", "heartbeat", ""));
    pl_xling_part parts[PL_XLING_MAX_PARTS];
    int np = pl_xling_decompound(x, "de", "Kreditkartenbezahlung", 21, parts,
                                 PL_XLING_MAX_PARTS);
    CHECK_INT(np, 2);
    if (np == 2) {
        CHECK_STR(parts[0].term, "kreditkart");
        CHECK_STR(parts[0].link, "n");
        CHECK_STR(parts[1].term, "bezahl");
    }
    /* For indexing, only words the vocabulary does not know are split: not
     * a known word ("Charlotte": char + lotte) nor an inflection of one
     * ("ehemaligen", by its term "ehemal"). */
    CHECK_INT(pl_xling_split_unknown(x, "de", "Schwangerschaftstest", 20,
                                     "schwangerschaftst", 17, parts, PL_XLING_MAX_PARTS),
              2);
    CHECK_STR(parts[1].term, "test");
    CHECK_INT(pl_xling_split_unknown(x, "de", "Charlotte", 9, "charlott", 8, parts,
                                     PL_XLING_MAX_PARTS),
              0);
    CHECK_INT(pl_xling_split_unknown(x, "de", "ehemaligen", 10, "ehemal", 6, parts,
                                     PL_XLING_MAX_PARTS),
              0);
    CHECK_INT(pl_xling_split_unknown(x, "fr", "portefeuille", 12, "portefeuill", 11, parts,
                                     PL_XLING_MAX_PARTS),
              0);
    CHECK(pl_xling_can_split(x, "de") && pl_xling_can_split(x, "hu"));
    CHECK(!pl_xling_can_split(x, "fr") && !pl_xling_can_split(x, "xx") &&
          !pl_xling_can_split(NULL, "de"));
    CHECK(splits(x, "nl", "verjaardagsfeest", "verjaardag + feest"));
    CHECK(splits(x, "sv", "kreditkort", "kredit + kort"));

    /* Damaged bytes are refused. */
    pl_xling *y = NULL;
    unsigned char *bad = malloc(size);
    memcpy(bad, data, size);
    bad[size / 2] ^= 0x40;
    pl_err_clear(&err);
    CHECK_INT(pl_xling_open(bad, size, &y, &err), PL_ERR_CORRUPT);
    CHECK(y == NULL);
    pl_err_clear(&err);
    CHECK_INT(pl_xling_open(data, size - 1, &y, &err), PL_ERR_CORRUPT);
    memcpy(bad, data, size);
    bad[0] = 'X';
    pl_err_clear(&err);
    CHECK_INT(pl_xling_open(bad, size, &y, &err), PL_ERR_CORRUPT);
    pl_err_clear(&err);
    CHECK_INT(pl_xling_open(bad, 10, &y, &err), PL_ERR_CORRUPT);

    /* Sound bytes pass the full walk; a vocabulary word without flags, under
     * a checksum that matches, is found by it: only the shipped lexicon's
     * checksum spares the walk. */
    pl_err_clear(&err);
    CHECK_INT(pl_xling_check(data, size, &err), PL_OK);
    memcpy(bad, data, size);
    const unsigned char *rec = data + pl_get_u32le(data + 36); /* the first language */
    unsigned char *word = bad + pl_get_u32le(data + pl_get_u32le(rec + 12));
    CHECK(word[0] > 0 && word[0] < 0x80); /* the first word's length, one byte */
    word[1 + word[0]] = 0;                /* its flags */
    uint64_t sum = XXH3_64bits(bad + PL_XLEX_HEADER, size - PL_XLEX_HEADER);
    for (int i = 0; i < 8; i++)
        bad[24 + i] = (unsigned char)(sum >> (8 * i));
    pl_err_clear(&err);
    CHECK_INT(pl_xling_open(bad, size, &y, &err), PL_ERR_CORRUPT);
    CHECK(strstr(err.msg, "vocabulary") != NULL);
    free(bad);

    /* The mapped file gives the same answers as the bytes in memory. */
    const pl_xling *def = pl_xling_default(&err);
    CHECK(def != NULL);
    if (def) {
        sink got = {.ordered = 1}, want = {.ordered = 1};
        CHECK(pl_xling_translate_term(def, "de", "herz", 4, NULL, 0, collect, &got) > 0);
        pl_xling_translate_term(x, "de", "herz", 4, NULL, 0, collect, &want);
        CHECK_STR(got.out, want.out);
    }
    pl_err_clear(&err);
    CHECK_INT(pl_xling_open_file("/nonexistent/lexicon.bin", &y, &err), PL_ERR_NOTFOUND);
    CHECK(strstr(err.msg, "/nonexistent/lexicon.bin") != NULL);

    pl_analyzer_free(a);
    pl_xling_close(x);
    free(data);
    return CHECK_DONE();
}
