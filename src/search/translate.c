/*
 * translate.c - carrying a query into the catalog's other languages.
 *
 * A reader describes an episode in their own language; its synopses may be
 * in others. Each query word, read in the query's likely languages, is looked
 * up in the lexicon (src/xling) and its translations into the catalog's
 * languages join the word's variants, so one evaluation searches every
 * language at once and a synopsis matching the translations of more words
 * still ranks higher. Pairs of neighbouring words are looked up too, since
 * the lexicon knows "credit card" -> Kreditkarte where word by word gives
 * Kredit and Karte. A compound the lexicon does not know as a whole
 * (Schwangerschaftstest) is carried over by its parts.
 *
 * A translation weighs less than the word as written, and less again the
 * less sure the lexicon is, so a synopsis that has the reader's own words
 * still comes first.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"
#include "search.h"
#include "util/buf.h"
#include "xling/xling.h"

#define DISCOUNT 0.9      /* a translation, against the word as written */
#define PART_DISCOUNT 0.6 /* a compound's part, against the whole word */
#define HEAD_DISCOUNT 0.6 /* a translated compound's last part, against the compound */
#define COGNATE 0.5 /* the word as written, read in another language: of a translation */
/* Translations kept per word and target language: all that the lexicon
 * keeps (4). Once the lexicon ranked senses by their use in the catalogs
 * whatever their place in the dictionary, a third and fourth translation
 * stopped costing more false matches than they find: on bench/xling
 * recall@10 0.703 with three against 0.709 with two before that; now 0.744
 * with two, 0.748 with three, 0.750 with four (the third and fourth at 0.7
 * of the one before: 0.747, at 0.8: 0.749). */
#define PER_TARGET 4
#define MIN_WEIGHT 0.15 /* a weaker translation (two weak hops) is noise */
#define MAX_SOURCES 8   /* of the query's likely languages, translated from */
#define MAX_TARGETS 16
#define MAX_TERMS 4 /* a longer alternative is not looked up as a whole */

typedef struct terms {
    char t[MAX_TERMS][PL_TERM_MAX + 1];
    size_t n;
    int more; /* the text has more terms than fit */
} terms;

static int keep_term(void *ctx, const pl_token *tok) {
    terms *ts = ctx;
    if (ts->n == MAX_TERMS) return ts->more = 1;
    memcpy(ts->t[ts->n], tok->term, tok->len);
    ts->t[ts->n][tok->len] = 0;
    ts->n++;
    return 0;
}

/* The terms as the lexicon takes them; returns how many. */
static int term_ptrs(const terms *ts, const char **out) {
    for (size_t i = 0; i < ts->n; i++)
        out[i] = ts->t[i];
    return (int)ts->n;
}

/* Where the translations of one source go. Alternatives are named by index
 * because adding one may move the clause's array. */
typedef struct sink {
    pl_clause *c[2]; /* the clauses the source stands for (c[1]: a pair's second) */
    long alt[2];     /* their word alternative for single terms, or -1: a new one */
    int single;      /* keep only single-term translations (a pair's) */
    double base;     /* the source's weight before the lexicon's */
    const char *word;
    const pl_xling *x;
    const terms *src; /* the source's terms */
    const char *src_lang;
    pl_index *ix;          /* the catalog's index, where translations are looked for */
    pl_analyzer *an;       /* for a translation's inflected forms */
    pl_memo *lexicon_memo; /* the handle's memo of back_share and compound_head */
    char last[PL_LANG_MAX];
    int per_lang;
    int failed;
} sink;

static int add_translation(sink *s, int k, const char *lang, const char *const *t, int n,
                           double w) {
    pl_clause *c = s->c[k];
    if (n == 1 && s->alt[k] >= 0)
        return pl_slot_add(&c->alts[s->alt[k]].slots[0], t[0], strlen(t[0]), w, s->word,
                           lang, PL_VARIANT_TRANSLATED);
    pl_alt *a = pl_clause_add_alt(c, (size_t)n);
    if (!a) return PL_ERR_NOMEM;
    for (int i = 0; i < n; i++)
        if (pl_slot_add(&a->slots[i], t[i], strlen(t[i]), w, s->word, lang,
                        PL_VARIANT_TRANSLATED))
            return PL_ERR_NOMEM;
    return PL_OK;
}

/* The meanings of a translation, read back into the source's language. */
#define MAX_BACK 16
typedef struct back {
    terms t[MAX_BACK];
    double w[MAX_BACK];
    int n;
} back;

static int on_back(void *ctx, const char *lang, const char *const *t, int n, double w) {
    back *b = ctx;
    (void)lang;
    if (b->n == MAX_BACK || n > MAX_TERMS) return b->n == MAX_BACK;
    terms *bt = &b->t[b->n];
    memset(bt, 0, sizeof *bt);
    for (int i = 0; i < n; i++)
        pl_str_copy(bt->t[i], sizeof bt->t[i], t[i]);
    bt->n = (size_t)n;
    b->w[b->n++] = w;
    return 0;
}

static int same_terms(const terms *a, const terms *b) {
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->t[i], b->t[i]) != 0) return 0;
    return 1;
}

/* The single-term translations of some terms into one language, NUL-ended
 * one after another: what reading a translation back compares. */
typedef struct tlist {
    char s[PL_XLING_MAX_PER_LANG * (PL_TERM_MAX + 1)];
    size_t len;
} tlist;

static int on_into(void *ctx, const char *lang, const char *const *t, int n, double w) {
    tlist *l = ctx;
    (void)lang, (void)w;
    size_t k = strlen(t[0]) + 1;
    if (n == 1 && k <= sizeof l->s - l->len) {
        memcpy(l->s + l->len, t[0], k);
        l->len += k;
    }
    return 0;
}

/* Whether the lists share a term other than `except`. */
static int share_term(const tlist *a, const tlist *b, const char *except) {
    for (size_t i = 0; i < a->len; i += strlen(a->s + i) + 1) {
        if (strcmp(a->s + i, except) == 0) continue;
        for (size_t j = 0; j < b->len; j += strlen(b->s + j) + 1)
            if (strcmp(a->s + i, b->s + j) == 0) return 1;
    }
    return 0;
}

/* The share of the source's meaning among the meanings of its translation
 * t: French "pet" translates "fart", but as an index term it is also
 * "petit" (both stem to "pet"), and reads back as small, little, diminutive
 * too, words that have nothing else in common with "fart"; a synopsis with
 * "petit" is no evidence of a fart. A meaning read back that shares another
 * translation with the source (heart and core, both "Kern" or "innerst")
 * is the same sense, and counts for the source. Returns a factor in
 * (0, 1] for the translation's weight. */
static void translations_into(const sink *s, const char *from, const char *const *t, int n,
                              const char *lang, tlist *out);

static double back_share_computed(const sink *s, const char *lang, const char *const *t,
                                  int n) {
    back b = {.n = 0};
    pl_xling_translate(s->x, lang, t, n, &s->src_lang, 1, on_back, &b);
    double total = 0, same = 0;
    int found = 0, have_mine = 0;
    tlist mine;
    const char *src[MAX_TERMS];
    int n_src = term_ptrs(s->src, src);
    for (int i = 0; i < b.n; i++) {
        total += b.w[i];
        if (same_terms(&b.t[i], s->src)) {
            same += b.w[i];
            found = 1;
            continue;
        }
        /* A meaning read back that shares another translation with the
         * source: near synonyms ("heart", "core" -> Herz, Kern). */
        if (!have_mine) {
            translations_into(s, s->src_lang, src, n_src, lang, &mine);
            have_mine = 1;
        }
        tlist other;
        const char *o[MAX_TERMS];
        int n_o = term_ptrs(&b.t[i], o);
        translations_into(s, s->src_lang, o, n_o, lang, &other);
        if (share_term(&other, &mine, t[0])) same += b.w[i];
    }
    if (total <= 0) return 1.0; /* nothing known back: no evidence either way */
    /* A source missing from the way back (the dictionaries are not
     * symmetric) counts as one more meaning of the least weight. */
    if (!found) {
        same += MIN_WEIGHT;
        total += MIN_WEIGHT;
    }
    /* The fourth root tempers the share: the dictionaries list few
     * synonyms, so a sense read back often looks unrelated when it is not
     * (on bench/xling the plain share cost 1.2 points of recall@10 and its
     * square root 0.4; with the lexicon of 4069912 the fourth root gains
     * 0.5 over the square root, 0.748 -> 0.753, and still sends "fart" to
     * "Furz" rather than to "petit"). */
    return sqrt(sqrt(same / total));
}

/* Appends terms to a memo key, each ended by a byte no term holds. */
static size_t key_terms(char *key, size_t at, size_t cap, const char *const *t, int n) {
    for (int i = 0; i < n && at < cap; i++) {
        size_t len = strlen(t[i]);
        if (len + 1 > cap - at) return cap;
        memcpy(key + at, t[i], len);
        at += len;
        key[at++] = '\x1f';
    }
    return at;
}

/* Appends s and its NUL to a memo key; cap when it does not fit. */
static size_t key_str(char *key, size_t at, size_t cap, const char *s) {
    size_t len = strlen(s);
    if (at >= cap || len + 1 > cap - at) return cap;
    memcpy(key + at, s, len + 1);
    return at + len + 1;
}

/* Memo keys: a back_share key starts with a language code's letter; the
 * others with a byte of their own kind. */
#define KEY_COMPOUND_HEAD 1
#define KEY_WORD_TERMS 2
#define KEY_INFLECTIONS 3
#define KEY_TRANSLATIONS 4

/* The single-term translations of terms (of language `from`) into lang,
 * through the handle's memo: the source's own, and those of each meaning
 * its translations read back as, which recur from query to query. */
static void translations_into(const sink *s, const char *from, const char *const *t, int n,
                              const char *lang, tlist *out) {
    char key[1024];
    key[0] = KEY_TRANSLATIONS;
    size_t at = key_str(key, key_str(key, 1, sizeof key, from), sizeof key, lang);
    at = key_terms(key, at, sizeof key, t, n);
    int memo = s->lexicon_memo && at < sizeof key;
    const void *val;
    size_t vlen;
    if (memo && pl_memo_get(s->lexicon_memo, key, at, &val, &vlen) &&
        vlen <= sizeof out->s) {
        memcpy(out->s, val, vlen);
        out->len = vlen;
        return;
    }
    out->len = 0;
    pl_xling_translate(s->x, from, t, n, &lang, 1, on_into, out);
    if (memo) pl_memo_put(s->lexicon_memo, key, at, out->s, out->len);
}

/* back_share through the handle's memo (src language, source terms, target
 * language, translation). */
static double back_share(const sink *s, const char *lang, const char *const *t, int n) {
    char key[1024];
    const char *src[MAX_TERMS];
    int n_src = term_ptrs(s->src, src);
    size_t at = key_str(key, key_str(key, 0, sizeof key, s->src_lang), sizeof key, lang);
    at = key_terms(key, at, sizeof key, src, n_src);
    if (at < sizeof key) key[at++] = 0;
    at = key_terms(key, at, sizeof key, t, n);
    int memo = s->lexicon_memo && at < sizeof key;
    const void *val;
    size_t vlen;
    double share;
    if (memo && pl_memo_get(s->lexicon_memo, key, at, &val, &vlen) &&
        vlen == sizeof share) {
        memcpy(&share, val, sizeof share);
        return share;
    }
    share = back_share_computed(s, lang, t, n);
    if (memo) pl_memo_put(s->lexicon_memo, key, at, &share, sizeof share);
    return share;
}

/* Whether every term of a translation is in the index: one that is not
 * can match nothing, and should neither take a place among the word's few
 * translations into its language nor cost the reading back. */
static int indexed(const sink *s, const char *const *t, int n) {
    if (!s->ix) return 1;
    for (int i = 0; i < n; i++)
        if (pl_index_df(s->ix, t[i], strlen(t[i])) == 0) return 0;
    return 1;
}

/* A memo key: the kind's byte, lang and its NUL, then s; 0 when it does
 * not fit in cap. */
static size_t kind_key(char *key, size_t cap, char kind, const char *lang, const char *s) {
    key[0] = kind;
    size_t at = key_str(key, 1, cap, lang), n = strlen(s);
    if (at >= cap || n > cap - at) return 0;
    memcpy(key + at, s, n);
    return at + n;
}

/* The last part of compound `term` of `lang` into head (PL_TERM_MAX + 1
 * bytes); 0 when it is no compound. Splitting tries every cut against the
 * vocabulary, and the same translations come back query after query: the
 * answer is kept in the handle's memo. */
static int compound_head(const sink *s, const char *lang, const char *term, char *head) {
    char key[PL_LANG_MAX + PL_TERM_MAX + 4];
    size_t klen =
        s->lexicon_memo ? kind_key(key, sizeof key, KEY_COMPOUND_HEAD, lang, term) : 0;
    int memo = klen > 0;
    const void *val;
    size_t vlen;
    if (memo && pl_memo_get(s->lexicon_memo, key, klen, &val, &vlen) &&
        vlen <= PL_TERM_MAX) {
        memcpy(head, val, vlen);
        head[vlen] = 0;
        return vlen > 0;
    }
    pl_xling_part parts[PL_XLING_MAX_PARTS];
    int np = pl_xling_decompound(s->x, lang, term, strlen(term), parts, PL_XLING_MAX_PARTS);
    head[0] = 0;
    if (np >= 2) pl_str_copy(head, PL_TERM_MAX + 1, parts[np - 1].term);
    if (memo) pl_memo_put(s->lexicon_memo, key, klen, head, strlen(head));
    return head[0] != 0;
}

/* A word's terms in lang, as pl_analyze gives them (keep_term), through the
 * handle's memo: a query's words are analyzed in each language they are
 * read in and each they might be written alike in (cognates), and the same
 * words come back query after query. The value: the count, `more`, then
 * each term's length and bytes. */
static void word_terms(pl_memo *memo, pl_analyzer *an, const char *lang, const char *text,
                       terms *ts) {
    memset(ts, 0, sizeof *ts);
    char key[512];
    size_t klen = memo ? kind_key(key, sizeof key, KEY_WORD_TERMS, lang, text) : 0;
    const void *val;
    size_t vlen;
    if (klen && pl_memo_get(memo, key, klen, &val, &vlen) && vlen >= 2) {
        const unsigned char *v = val, *end = v + vlen;
        ts->n = v[0];
        ts->more = v[1];
        v += 2;
        for (size_t i = 0; i < ts->n && v < end && *v <= PL_TERM_MAX; i++) {
            memcpy(ts->t[i], v + 1, *v);
            ts->t[i][*v] = 0;
            v += 1 + *v;
        }
        return;
    }
    pl_analyze(an, lang, text, strlen(text), keep_term, ts);
    if (!klen) return;
    unsigned char v[2 + MAX_TERMS * (PL_TERM_MAX + 1)];
    size_t at = 2;
    v[0] = (unsigned char)ts->n;
    v[1] = (unsigned char)ts->more;
    for (size_t i = 0; i < ts->n; i++) {
        size_t n = strlen(ts->t[i]);
        v[at++] = (unsigned char)n;
        memcpy(v + at, ts->t[i], n);
        at += n;
    }
    pl_memo_put(memo, key, klen, v, at);
}

/* Adds a translation to each of the sink's clauses; non-zero (and the sink
 * marked failed) when out of memory. */
static int add_to_clauses(sink *s, const char *lang, const char *const *t, int n,
                          double w) {
    for (int k = 0; k < 2 && s->c[k]; k++)
        if (add_translation(s, k, lang, t, n, w)) return s->failed = 1;
    return 0;
}

/* A translation's other stems (pl_xling_variants), at its weight. */
typedef struct variant_sink {
    sink *s;
    double w;
} variant_sink;

/* Whether a one-term translation's term is also a function word's: it would
 * match that function word in every text (German glaubwürdig, "credible",
 * for "credit", by its head würdig: "wurd", which is also wurde's). Where
 * accent folding makes the collision (ändern, "change", is "ander" as
 * andere is) the word is lost too: on bench/xling recall@10 stays 0.753
 * (German -0.5 points, Hungarian +2.9) with such words left out; weighing
 * them as function words (0.2) instead gave the same but Hungarian +1.4. */
static int stop_term(const sink *s, const char *lang, const char *const *t, int n) {
    return n == 1 && s->an && pl_xling_stop_term(s->an, lang, t[0], strlen(t[0]));
}

static int on_variant(void *ctx, const char *lang, const char *const *t, int n, double w) {
    variant_sink *v = ctx;
    (void)w;
    if (stop_term(v->s, lang, t, n)) return 0;
    return indexed(v->s, t, n) ? add_to_clauses(v->s, lang, t, n, v->w) : 0;
}

typedef struct forms {
    char s[16 * (PL_TERM_MAX + 1)]; /* the forms, each ended by its NUL */
    size_t len;
} forms;

static int keep_form(void *ctx, const char *lang, const char *const *t, int n, double w) {
    forms *f = ctx;
    size_t k = strlen(t[0]) + 1;
    (void)lang, (void)n, (void)w;
    if (k > sizeof f->s - f->len) return 1;
    memcpy(f->s + f->len, t[0], k);
    f->len += k;
    return 0;
}

/* pl_xling_inflect through the handle's memo (its forms depend on the term
 * alone, and each costs an analysis): every form to on_variant, in order,
 * until it answers non-zero. */
static void inflections(sink *s, const char *lang, const char *term, variant_sink *v) {
    char key[PL_LANG_MAX + PL_TERM_MAX + 4];
    size_t klen =
        s->lexicon_memo ? kind_key(key, sizeof key, KEY_INFLECTIONS, lang, term) : 0;
    const void *val;
    size_t vlen;
    forms f = {.len = 0};
    if (klen && pl_memo_get(s->lexicon_memo, key, klen, &val, &vlen) &&
        vlen <= sizeof f.s) {
        memcpy(f.s, val, vlen);
        f.len = vlen;
    } else {
        pl_xling_inflect(s->an, lang, term, keep_form, &f);
        if (klen) pl_memo_put(s->lexicon_memo, key, klen, f.s, f.len);
    }
    for (size_t at = 0; at < f.len;) {
        const char *t[1] = {f.s + at};
        if (on_variant(v, lang, t, 1, 1.0)) return;
        at += strlen(t[0]) + 1;
    }
}

static int on_translation(void *ctx, const char *lang, const char *const *t, int n,
                          double w) {
    sink *s = ctx;
    if (strcmp(s->last, lang) != 0) {
        pl_str_copy(s->last, sizeof s->last, lang);
        s->per_lang = 0;
    }
    if (w < MIN_WEIGHT || (s->single && n != 1) || s->per_lang >= PER_TARGET) return 0;
    const char *head[1];
    char head_term[PL_TERM_MAX + 1];
    if (!indexed(s, t, n)) {
        /* A compound the catalog lacks still names a kind of what its last
         * part names (Computerdatei is a Datei, Notfallakte an Akte): the
         * lexicon often lists only the compound ("file" -> Computerdatei,
         * no Datei). */
        if (n != 1 || !compound_head(s, lang, t[0], head_term)) return 0;
        head[0] = head_term;
        if (!indexed(s, head, 1)) return 0;
        t = head;
        w *= HEAD_DISCOUNT;
        if (w < MIN_WEIGHT) return 0;
    }
    if (stop_term(s, lang, t, n)) return 0; /* checked on the term it now is */
    w *= back_share(s, lang, t, n);
    if (w < MIN_WEIGHT) return 0;
    s->per_lang++;
    if (add_to_clauses(s, lang, t, n, s->base * w)) return 1;
    /* The same word inflected, where its forms stem apart (convertir:
     * convierte): a clause scores its best variant, so these add no weight
     * to a text that has the lemma's stem too. */
    if (n == 1) {
        variant_sink v = {s, s->base * w};
        pl_xling_variants(s->x, lang, t[0], strlen(t[0]), on_variant, &v);
        if (s->failed) return 1;
        /* Where the stemmer leaves a regular form apart (German erzeug:
         * erzeugt, gespeichert), the same. */
        if (s->an) inflections(s, lang, t[0], &v);
        if (s->failed) return 1;
    }
    return 0;
}

typedef struct langs {
    const char *src[MAX_SOURCES];
    double src_w[MAX_SOURCES];
    size_t n_src;
    const char *tgt[MAX_TARGETS];
    size_t n_tgt;
} langs;

/* Sources: the query's likely languages that the lexicon knows, each with
 * its likelihood: a one-word query ("fart") is often a word of several
 * languages, and the identifier cannot tell which one the reader meant.
 * Targets: the catalog's languages the lexicon knows. */
static void choose(const pl_xling *x, const pl_db *db, const pl_plan *p, langs *l) {
    memset(l, 0, sizeof *l);
    /* Translated from: the identifier's languages (or the hint), and
     * English, the lexicon's hub, whose look-ups are direct and which
     * readers write most ("fart", read as Bokmål, is still English). Not
     * from every catalog language a word could also be read in: each source
     * multiplies the look-ups by the catalog's languages, and those readings
     * found nothing on bench/xling that the others missed. */
    for (size_t i = 0; i < p->n_langs && l->n_src < MAX_SOURCES; i++)
        if ((l->n_src == 0 || p->lang_weight[i] >= PL_PLAN_SURE_LANG ||
             !strcmp(p->langs[i], "en")) &&
            (l->src[l->n_src] = pl_xling_lang_of(x, p->langs[i])))
            l->src_w[l->n_src++] = p->lang_weight[i];
    for (size_t i = 0; i < db->n_plan_langs && l->n_tgt < MAX_TARGETS; i++) {
        char base[PL_LANG_MAX];
        pl_base_lang(db->plan_langs[i].lang, base);
        const char *code = pl_xling_lang_of(x, base);
        /* Tags of one language ("pt", "pt-br") share its base code. */
        for (size_t k = 0; code && k < l->n_tgt; k++)
            if (l->tgt[k] == code) code = NULL;
        if (code) l->tgt[l->n_tgt++] = code;
    }
}

/* Translates `src` (a word's or phrase's terms in `lang`) into the targets
 * other than `lang`. Returns how many translations were found, or -1 when
 * out of memory. */
static int translate(const pl_xling *x, const langs *l, const char *lang, const terms *src,
                     sink *s) {
    const char *tgt[MAX_TARGETS];
    int n_tgt = 0;
    for (size_t i = 0; i < l->n_tgt; i++)
        if (strcmp(l->tgt[i], lang) != 0) tgt[n_tgt++] = l->tgt[i];
    if (n_tgt == 0 || src->n == 0 || src->more) return 0;
    const char *t[MAX_TERMS];
    term_ptrs(src, t);
    s->last[0] = 0;
    s->x = x;
    s->src = src;
    s->src_lang = lang;
    int n = pl_xling_translate(x, lang, t, (int)src->n, tgt, n_tgt, on_translation, s);
    return s->failed ? -1 : n < 0 ? 0 : n;
}

/* One word alternative: its translations, or its parts' when it is a
 * compound the lexicon does not know whole. */
/* Whether `text` is a function word of a language the query is surely in
 * (German "mit" in a German query): its readings as a word of another
 * language ("mit" is Hungarian "what") are noise. */
static int sure_stopword(const langs *l, const pl_folded *text) {
    for (size_t i = 0; i < l->n_src; i++)
        if (l->src_w[i] >= PL_PLAN_SURE_LANG && pl_plan_stopword_folded(l->src[i], text))
            return 1;
    return 0;
}

#define LEXICON_MEMO_BYTES (16u << 20)

/* The handle's memo of back_share and compound_head (made on first use; a
 * memo that cannot be had only costs time). */
static pl_memo *lexicon_memo(pl_db *db) {
    if (!db->lexicon_memo) db->lexicon_memo = pl_memo_new(LEXICON_MEMO_BYTES);
    return db->lexicon_memo;
}

/* The word as written, read as a word of each other target language:
 * technical words pass between languages unchanged (Terminal, Daemon,
 * Master), but each language's stemmer cuts them its own way (English
 * "termin", German "terminal"), so the word as written misses them. Not
 * where it is a function word of that language (German "will", "also"),
 * and only terms the catalog has. */
static int cognates(const langs *l, const char *src_lang, const terms *src,
                    const pl_folded *folded, sink *s, pl_analyzer *an) {
    for (size_t i = 0; i < l->n_tgt; i++) {
        const char *lang = l->tgt[i];
        if (strcmp(lang, src_lang) == 0 || pl_plan_stopword_folded(lang, folded)) continue;
        terms ts;
        word_terms(s->lexicon_memo, an, lang, s->word, &ts);
        if (ts.n != 1 || ts.more || strcmp(ts.t[0], src->t[0]) == 0) continue;
        const char *t[1] = {ts.t[0]};
        if (!indexed(s, t, 1)) continue;
        if (add_to_clauses(s, lang, t, 1, s->base * COGNATE)) return PL_ERR_NOMEM;
    }
    return PL_OK;
}

typedef struct own_variants {
    pl_slot *slot;
    const char *word;
    double weight;
    const sink *s; /* for indexed() */
    int failed;
} own_variants;

static int on_own_variant(void *ctx, const char *lang, const char *const *t, int n,
                          double w) {
    own_variants *o = ctx;
    (void)w;
    /* One the index lacks matches nothing, and as a word as written it
     * would still weigh in the clause's share (score.c). */
    if (n != 1 || !indexed(o->s, t, 1)) return 0;
    if (pl_slot_add(o->slot, t[0], strlen(t[0]), o->weight, o->word, lang,
                    PL_VARIANT_SCOPED))
        return o->failed = 1;
    return 0;
}

/* Translates one word of the query (`folded`: it case-folded) from the
 * likely language l->src[si]. */
static int word(pl_db *db, const pl_xling *x, const langs *l, size_t si, pl_clause *c,
                long alt, const char *text, const pl_folded *folded) {
    if (pl_plan_stopword_folded(l->src[si], folded) || sure_stopword(l, folded))
        return PL_OK;
    terms ts;
    word_terms(lexicon_memo(db), db->an, l->src[si], text, &ts);
    sink s = {.c = {c, NULL},
              .alt = {ts.n == 1 ? alt : -1, -1},
              .base = l->src_w[si] * DISCOUNT,
              .word = text,
              .ix = db->ix,
              .an = db->an,
              .lexicon_memo = lexicon_memo(db)};
    int n = translate(x, l, l->src[si], &ts, &s);
    if (n < 0) return PL_ERR_NOMEM;
    if (ts.n == 1 && !ts.more && cognates(l, l->src[si], &ts, folded, &s, db->an))
        return PL_ERR_NOMEM;
    if (ts.n == 1 && !ts.more && alt >= 0 && strcmp(l->src[si], "en") != 0) {
        /* The word's own other stems: a Spanish reader's "convertir" meets
         * "convierte" (stem conviert), at the reading's weight; in the
         * reading's language only, like any reading but the likeliest. Not
         * English's: the forms Snowball stems apart there are irregular
         * verbs' (left, found, made), mostly words of their own; on
         * bench/xling they cost the English ceiling 0.8 points. */
        own_variants own = {&c->alts[alt].slots[0], text, l->src_w[si], &s, 0};
        pl_xling_variants(x, l->src[si], ts.t[0], strlen(ts.t[0]), on_own_variant, &own);
        if (own.failed) return PL_ERR_NOMEM;
    }
    if (n != 0 || ts.n != 1) return PL_OK;
    pl_xling_part parts[PL_XLING_MAX_PARTS];
    int np =
        pl_xling_decompound(x, l->src[si], text, strlen(text), parts, PL_XLING_MAX_PARTS);
    s.base *= PART_DISCOUNT;
    for (int i = 0; i < np; i++) {
        terms part = {.n = 1};
        pl_str_copy(part.t[0], sizeof part.t[0], parts[i].term);
        if (translate(x, l, l->src[si], &part, &s) < 0) return PL_ERR_NOMEM;
    }
    return PL_OK;
}

/* The clause's single word, or NULL when it is not one plain word. */
static const char *plain_word(const pl_query *q, const pl_plan *p, size_t i) {
    if (i >= q->n_clauses) return NULL;
    const pl_qclause *qc = &q->clauses[i];
    if (qc->excluded || qc->n_alts != 1 || qc->alts[0].phrase) return NULL;
    if (p->clauses[i].alts[0].n_slots != 1) return NULL;
    return qc->alts[0].text;
}

/* A pair of neighbouring words looked up as one ("credit card"). */
static int pair(pl_db *db, const pl_xling *x, const langs *l, size_t si, const pl_query *q,
                pl_plan *p, size_t i) {
    const char *a = plain_word(q, p, i), *b = plain_word(q, p, i + 1);
    if (!a || !b || pl_plan_stopword(l->src[si], a) || pl_plan_stopword(l->src[si], b))
        return PL_OK;
    terms ts, tb;
    word_terms(lexicon_memo(db), db->an, l->src[si], a, &ts);
    word_terms(lexicon_memo(db), db->an, l->src[si], b, &tb);
    if (ts.n != 1 || tb.n != 1) return PL_OK;
    memcpy(ts.t[1], tb.t[0], sizeof ts.t[1]);
    ts.n = 2;
    char both[2 * 4096 + 2];
    snprintf(both, sizeof both, "%s %s", a, b);
    sink s = {.c = {&p->clauses[i], &p->clauses[i + 1]},
              .alt = {0, 0},
              .single = 1,
              .base = l->src_w[si] * DISCOUNT,
              .word = both,
              .ix = db->ix,
              .an = db->an,
              .lexicon_memo = lexicon_memo(db)};
    return translate(x, l, l->src[si], &ts, &s) < 0 ? PL_ERR_NOMEM : PL_OK;
}

/* Two neighbouring words (or two with a function word between: "tarjeta
 * de crédito") as one compound of a language that writes them so: word by
 * word they are Karte and Kredit, which a German synopsis may not have at
 * all where it says Kreditkarte, kept whole by its index. Each word's best
 * translations (whether the index has them or not) are joined, in either
 * order (credit card, but carte de crédit) and with each of the language's
 * linking elements (Schwangerschaft-s-test); a join that the index holds
 * stands for both words. */
#define COMPOUND_PARTS 2 /* translations of each word tried as a part */
/* Pairs of a query joined, at most: each costs some hundred dictionary
 * look-ups a language. */
#define COMPOUND_PAIRS 16
#define COMPOUND_DISCOUNT 0.8 /* a join, against a translation the lexicon gives */
#define MAX_LINKS 12

/* The first `max` terms of a tlist. */
static int first_terms(const tlist *tl, const char **out, int max) {
    int n = 0;
    for (size_t at = 0; at < tl->len && n < max; at += strlen(tl->s + at) + 1)
        out[n++] = tl->s + at;
    return n;
}

/* Adds term t to parts (n of them) unless it is there already; `written`
 * marks the word as written, read in the language. */
static void add_part(const char **parts, int *written, int *n, const char *t, int w) {
    for (int i = 0; i < *n; i++)
        if (strcmp(parts[i], t) == 0) return;
    parts[*n] = t;
    written[(*n)++] = w;
}

/* Joins the best translations (la, lb) of two words, and each word as
 * written read in the language (a, b: Baby-party, at a cognate's weight),
 * into compounds of lang. */
static int join_into(pl_db *db, sink *s, const char *lang, const tlist *la, const char *a,
                     const tlist *lb, const char *b, double w) {
    const char *pa[COMPOUND_PARTS + 1], *pb[COMPOUND_PARTS + 1];
    int wa[COMPOUND_PARTS + 1] = {0}, wb[COMPOUND_PARTS + 1] = {0};
    int na = first_terms(la, pa, COMPOUND_PARTS), nb = first_terms(lb, pb, COMPOUND_PARTS);
    add_part(pa, wa, &na, a, 1);
    add_part(pb, wb, &nb, b, 1);
    /* No linking element first, then the language's. */
    const char *links[MAX_LINKS] = {""};
    size_t link_len[MAX_LINKS] = {0};
    int n_links = 1 + pl_xling_linkers(s->x, lang, links + 1, link_len + 1, MAX_LINKS - 1);
    for (int ka = 0; ka < na; ka++)
        for (int kb = 0; kb < nb; kb++)
            for (int order = 0; order < 2; order++)
                for (int k = 0; k < n_links; k++) {
                    const char *first = order ? pb[kb] : pa[ka],
                               *second = order ? pa[ka] : pb[kb];
                    char t[2 * PL_TERM_MAX + 16];
                    int n = snprintf(t, sizeof t, "%s%.*s%s", first, (int)link_len[k],
                                     links[k], second);
                    if (n <= 0 || n > PL_TERM_MAX || pl_index_df(db->ix, t, (size_t)n) == 0)
                        continue;
                    const char *tt[1] = {t};
                    if (stop_term(s, lang, tt, 1)) continue;
                    double wj = w * (wa[ka] ? COGNATE : 1) * (wb[kb] ? COGNATE : 1);
                    if (wj >= MIN_WEIGHT && add_to_clauses(s, lang, tt, 1, wj))
                        return PL_ERR_NOMEM;
                }
    return PL_OK;
}

/* Whether w is a function word of any language the query is read in. */
static int stopword_of_any(const langs *l, const char *w) {
    for (size_t si = 0; si < l->n_src; si++)
        if (pl_plan_stopword(l->src[si], w)) return 1;
    return 0;
}

static int compounds(pl_db *db, const pl_xling *x, const langs *l, const pl_query *q,
                     pl_plan *p, size_t i) {
    const char *a = plain_word(q, p, i);
    if (!a || !db->ix || stopword_of_any(l, a)) return PL_OK;
    size_t j = i + 1;
    const char *b = j < q->n_clauses ? plain_word(q, p, j) : NULL;
    if (b && stopword_of_any(l, b)) { /* one function word between */
        b = ++j < q->n_clauses ? plain_word(q, p, j) : NULL;
        if (b && stopword_of_any(l, b)) b = NULL;
    }
    if (!b) return PL_OK;
    char both[2 * 4096 + 2];
    snprintf(both, sizeof both, "%s %s", a, b);
    /* The sink serves add_to_clauses, stop_term and translations_into. */
    sink s = {.c = {&p->clauses[i], &p->clauses[j]},
              .alt = {0, 0},
              .word = both,
              .x = x,
              .an = db->an,
              .lexicon_memo = lexicon_memo(db)};
    for (size_t si = 0; si < l->n_src; si++) {
        double w = l->src_w[si] * DISCOUNT * COMPOUND_DISCOUNT;
        if (w < MIN_WEIGHT) continue; /* a join from an unlikely reading is noise */
        terms ta, tb;
        word_terms(s.lexicon_memo, db->an, l->src[si], a, &ta);
        word_terms(s.lexicon_memo, db->an, l->src[si], b, &tb);
        if (ta.n != 1 || tb.n != 1) continue;
        const char *sa[1] = {ta.t[0]}, *sb[1] = {tb.t[0]};
        for (size_t ti = 0; ti < l->n_tgt; ti++) {
            const char *lang = l->tgt[ti];
            if (strcmp(lang, l->src[si]) == 0 || !pl_xling_can_split(x, lang)) continue;
            tlist la, lb;
            translations_into(&s, l->src[si], sa, 1, lang, &la);
            translations_into(&s, l->src[si], sb, 1, lang, &lb);
            terms ca, cb; /* the words as written, read in lang */
            word_terms(s.lexicon_memo, db->an, lang, a, &ca);
            word_terms(s.lexicon_memo, db->an, lang, b, &cb);
            if (ca.n != 1 || cb.n != 1) continue;
            if (join_into(db, &s, lang, &la, ca.t[0], &lb, cb.t[0], w)) return PL_ERR_NOMEM;
        }
    }
    return PL_OK;
}

int pl_plan_translate(pl_db *db, const pl_query *q, pl_plan *p, pl_err *err) {
    const pl_xling *x = pl_xling_default(NULL);
    if (!x) return PL_OK; /* no lexicon: search in the query's languages only */
    langs l;
    choose(x, db, p, &l);
    if (l.n_src == 0 || l.n_tgt == 0) return PL_OK;
    /* Each word folded once, for the function-word checks of every
     * language it is translated from. */
    size_t n_words = 0;
    for (size_t i = 0; i < q->n_clauses; i++)
        n_words += q->clauses[i].n_alts;
    pl_folded *folded = malloc((n_words ? n_words : 1) * sizeof *folded);
    if (!folded) goto oom;
    for (size_t i = 0, w = 0; i < q->n_clauses; i++)
        for (size_t j = 0; j < q->clauses[i].n_alts; j++)
            pl_plan_fold(q->clauses[i].alts[j].text, &folded[w++]);
    for (size_t si = 0; si < l.n_src; si++) {
        const pl_folded *f = folded; /* the clause's words' */
        for (size_t i = 0; i < q->n_clauses; f += q->clauses[i++].n_alts) {
            const pl_qclause *qc = &q->clauses[i];
            if (qc->excluded) continue; /* excluding a guess would hide good matches */
            for (size_t j = 0; j < qc->n_alts; j++)
                if (word(db, x, &l, si, &p->clauses[i], (long)j, qc->alts[j].text, &f[j]))
                    goto oom;
            if (pair(db, x, &l, si, q, p, i)) goto oom;
        }
    }
    for (size_t i = 0; i + 1 < q->n_clauses && i < COMPOUND_PAIRS; i++)
        if (compounds(db, x, &l, q, p, i)) goto oom;
    free(folded);
    return PL_OK;
oom:
    free(folded);
    return pl_err_set(err, PL_ERR_NOMEM, "translating the query: out of memory");
}
