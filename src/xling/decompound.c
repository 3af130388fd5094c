/*
 * decompound.c - splitting compounds (German, Dutch, the Scandinavian
 * languages, Finnish, Hungarian) into words of the lexicon's vocabulary.
 *
 * A query word such as "Kreditkartenbezahlung" rarely occurs in a synopsis as
 * such, and its translation is found only through its parts. The split is a
 * shortest path over the word's character boundaries: every substring that is
 * a vocabulary word can be a part, followed by one of the language's linking
 * elements (German Schwangerschaft-s-test, Kreditkarte-n-bezahlung) unless it
 * is the last part; German may also drop a word's final -e (Schul(e)hof).
 * Fewest parts win, then parts that are dictionary forms, then longer ones:
 * dictionary forms decide between "kreditkarte + n" and "kreditkarten", which
 * index alike but read differently.
 */
#include <string.h>

#include "util/buf.h"
#include "xling/xling_internal.h"

#define MIN_PART_CHARS 3 /* shorter "words" (Ei, Öl) split far too much */
#define MAX_LINKERS 12

/* Whether block b's first word sorts at or before w. */
static int first_at_or_before(const pl_xling *x, const xl_lang *l, size_t b, const char *w,
                              size_t n) {
    const unsigned char *p = x->d + pl_get_u32le(l->vidx + 4 * b);
    uint32_t len = 0;
    xl_varint(&p, x->d + x->size, &len); /* validated at open */
    return pl_bytes_cmp((const char *)p, len, w, n) <= 0;
}

/* The block that would hold w: the last whose first word is <= w (0 when w
 * sorts before every word). The blocks' keys decide but on a tie. */
static size_t block_of(const pl_xling *x, const xl_lang *l, const char *w, size_t n) {
    size_t lo = 0, hi = l->vblocks;
    uint64_t wk = pl_prefix_key(w, n);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int le = l->vkey && l->vkey[mid] != wk ? l->vkey[mid] < wk
                                               : first_at_or_before(x, l, mid, w, n);
        if (le)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

/* Walks the words of a language from block b on; calls visit with each word
 * and index term until it returns non-zero (its value is returned) or the
 * words run out (0). */
typedef int (*word_fn)(void *ctx, const char *w, size_t wn, unsigned flags, const char *t,
                       size_t tn);
static int scan_from(const pl_xling *x, const xl_lang *l, size_t b, word_fn visit,
                     void *ctx) {
    const unsigned char *end = x->d + x->size;
    char word[PL_TERM_MAX + 1], t[PL_TERM_MAX + 1];
    for (; b < l->vblocks; b++) {
        const unsigned char *p = x->d + pl_get_u32le(l->vidx + 4 * b);
        uint32_t count = l->vwords - (uint32_t)b * PL_XLEX_VBLOCK;
        if (count > PL_XLEX_VBLOCK) count = PL_XLEX_VBLOCK;
        size_t wlen = 0;
        for (uint32_t i = 0; i < count; i++) {
            /* The layout the validator checked (xling.c). */
            uint32_t shared = 0, len = 0, tshared = 0, tlen = 0;
            if (i) xl_varint(&p, end, &shared);
            xl_varint(&p, end, &len);
            memcpy(word + shared, p, len);
            wlen = shared + len;
            p += len;
            unsigned flags = *p++;
            xl_varint(&p, end, &tshared);
            xl_varint(&p, end, &tlen);
            memcpy(t, word, tshared);
            memcpy(t + tshared, p, tlen);
            p += tlen;
            int r = visit(ctx, word, wlen, flags, t, tshared + tlen);
            if (r) return r;
        }
    }
    return 0;
}

/* Looks w up; *longer (may be NULL) says whether a longer vocabulary word
 * begins with w, which lets a split stop extending a part early. A word's
 * index term is read only when the word is w. */
static unsigned vocab_probe(const pl_xling *x, int lang, const char *w, size_t n,
                            char *term, int *longer) {
    const xl_lang *l = &x->langs[lang];
    if (longer) *longer = 0;
    if (l->vblocks == 0 || n == 0 || n > PL_TERM_MAX) return 0;
    const unsigned char *end = x->d + x->size;
    unsigned found = 0;
    size_t b = block_of(x, l, w, n);
    /* w lies in block b or not at all; the word after it may open the next. */
    size_t stop = b + 2 < l->vblocks ? b + 2 : l->vblocks;
    for (; b < stop; b++) {
        const unsigned char *p = x->d + pl_get_u32le(l->vidx + 4 * b);
        uint32_t count = l->vwords - (uint32_t)b * PL_XLEX_VBLOCK;
        if (count > PL_XLEX_VBLOCK) count = PL_XLEX_VBLOCK;
        /* m: how many first bytes the previous word has in common with w
         * (it sorts before w). A word sharing more than m bytes with it
         * differs from w where the previous one did, the same way, and is
         * passed over unread; one sharing at most m has w's first `shared`
         * bytes, and its own bytes are compared with w's from there. No
         * word is spelled out: one equal to w is w. */
        size_t wlen = 0, m = 0;
        for (uint32_t i = 0; i < count; i++) {
            /* The layout the validator checked (xling.c). */
            uint32_t shared = 0, len = 0, tshared = 0, tlen = 0;
            if (i) xl_varint(&p, end, &shared);
            xl_varint(&p, end, &len);
            const unsigned char *rest = p;
            p += len;
            unsigned flags = *p++;
            xl_varint(&p, end, &tshared);
            xl_varint(&p, end, &tlen);
            const unsigned char *t = p;
            p += tlen;
            if (shared > m) continue;
            wlen = shared + len;
            size_t q = shared;
            while (q < wlen && q < n && rest[q - shared] == (unsigned char)w[q])
                q++;
            m = q;
            int c = q < wlen && q < n ? rest[q - shared] - (unsigned char)w[q]
                                      : (wlen > n) - (wlen < n);
            if (c < 0) continue;
            if (c == 0) {
                if (term) {
                    memcpy(term, w, tshared);
                    memcpy(term + tshared, t, tlen);
                    term[tshared + tlen] = 0;
                }
                found = flags;
                continue; /* the next word tells whether a longer one begins with w */
            }
            /* The words beginning with w follow it, so the first word past
             * w is one of them if any is. */
            if (longer) *longer = wlen > n && m == n;
            return found;
        }
    }
    return found;
}

unsigned xl_vocab_find(const pl_xling *x, int lang, const char *w, size_t n, char *term) {
    return vocab_probe(x, lang, w, n, term, NULL);
}

typedef struct {
    const char *s;
    size_t n, prefix;
    int seen;
} stem_ctx;

#define STEM_SCAN 64 /* words looked at per stem: enough for a stem's inflections */

static int stem_visit(void *ctx, const char *w, size_t wn, unsigned flags, const char *t,
                      size_t tn) {
    stem_ctx *c = ctx;
    int cmp = pl_bytes_cmp(w, wn < c->prefix ? wn : c->prefix, c->s, c->prefix);
    if (cmp < 0) return 0;
    if (cmp > 0 || wn < c->prefix || ++c->seen > STEM_SCAN) return -1;
    return tn == c->n && memcmp(t, c->s, tn) == 0 && (flags & PL_XLEX_V_WORD);
}

int xl_vocab_has_stem(const pl_xling *x, int lang, const char *s, size_t n) {
    const xl_lang *l = &x->langs[lang];
    if (l->vblocks == 0 || n < 2 || n > PL_TERM_MAX) return 0;
    /* Stems are the word or a prefix of it, but Snowball may also rewrite the
     * last letter (German "kart" from "karte" keeps it; Dutch "mak" from
     * "maken" too): start from the first n - 1 bytes. */
    size_t prefix = n - 1;
    while (prefix > 0 && ((unsigned char)s[prefix] & 0xC0) == 0x80)
        prefix--;
    stem_ctx c = {s, n, prefix, 0};
    return scan_from(x, l, block_of(x, l, s, prefix), stem_visit, &c) > 0;
}

typedef struct step {
    int parts;          /* parts so far; 0 = unreachable (except at 0) */
    int score;          /* sum over parts of chars x (2 for a dictionary form) */
    short from;         /* where the last part starts */
    short part_end;     /* where it ends (the linking element follows) */
    signed char elided; /* 1 when the part is the word minus its final -e */
} step;

/* Characters in s[0..n) (UTF-8 lead bytes). */
static int nchars(const char *s, size_t n) {
    int c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Language l's linking elements, at most max, into lk and their lengths
 * into lkn; "-e", a dropped final e, is none of them but sets *elide_e.
 * Returns how many. */
static int parse_linkers(const xl_lang *l, const char **lk, size_t *lkn, int max,
                         int *elide_e) {
    int n = 0;
    *elide_e = 0;
    for (size_t i = 0; i < l->linkers_len && n < max;) {
        size_t j = i;
        while (j < l->linkers_len && l->linkers[j] != ' ')
            j++;
        if (j - i == 2 && l->linkers[i] == '-' && l->linkers[i + 1] == 'e')
            *elide_e = 1;
        else if (j > i) {
            lk[n] = (const char *)l->linkers + i;
            lkn[n++] = j - i;
        }
        i = j + 1;
    }
    return n;
}

/* The split of s[0..n), a word already folded, in language li. */
static int decompound_folded(const pl_xling *x, int li, const char *s, int n,
                             pl_xling_part *parts, int max_parts) {
    if (n < 2 * MIN_PART_CHARS) return 0;

    const xl_lang *l = &x->langs[li];
    const char *lk[MAX_LINKERS];
    size_t lkn[MAX_LINKERS];
    int elide_e, n_lk = parse_linkers(l, lk, lkn, MAX_LINKERS, &elide_e);

    step st[PL_TERM_MAX + 1];
    memset(st, 0, sizeof st);
    step best = {0, 0, -1, -1, 0};
    char t[PL_TERM_MAX + 2];
    for (int i = 0; i < n; i++) {
        if (i > 0 && st[i].parts == 0) continue;
        if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
        if (st[i].parts >= PL_XLING_MAX_PARTS) continue;
        int longer = 1;
        for (int k = i + 1; k <= n && longer; k++) {
            if (k < n && ((unsigned char)s[k] & 0xC0) == 0x80) continue;
            int chars = nchars(s + i, (size_t)(k - i));
            if (chars < MIN_PART_CHARS) continue;
            /* Once no word begins with s[i..k), no longer part from i exists
             * either (nor one with an elided -e, nor a stem at the end, which
             * would begin with s[i..n-1)): the walk stops there. */
            unsigned whole = vocab_probe(x, li, s + i, (size_t)(k - i), NULL, &longer);
            for (int el = 0; el <= elide_e; el++) {
                unsigned f;
                if (el) {
                    if (!longer) continue;
                    memcpy(t, s + i, (size_t)(k - i));
                    t[k - i] = 'e';
                    f = xl_vocab_find(x, li, t, (size_t)(k - i + 1), NULL);
                } else {
                    f = whole;
                    /* An index term ends in a stem ("...bezahl"). */
                    if (!f && k == n && i > 0 &&
                        xl_vocab_has_stem(x, li, s + i, (size_t)(k - i)))
                        f = PL_XLEX_V_WORD | PL_XLEX_V_LEMMA;
                }
                if (!f) continue;
                int sc = st[i].score + chars * ((f & PL_XLEX_V_LEMMA) ? 2 : 1);
                step cand = {st[i].parts + 1, sc, (short)i, (short)k, (signed char)el};
                if (k == n) {
                    /* The last part: a word (the stem case is tried below). */
                    if (el || cand.parts < 2 || !(f & PL_XLEX_V_WORD)) continue;
                    if (best.parts == 0 || cand.parts < best.parts ||
                        (cand.parts == best.parts && cand.score > best.score))
                        best = cand;
                    continue;
                }
                if (!(f & PL_XLEX_V_WORD)) continue;
                for (int m = -1; m < n_lk; m++) {
                    size_t ln = m < 0 ? 0 : lkn[m];
                    if (m >= 0 &&
                        (el || (size_t)(n - k) <= ln || memcmp(s + k, lk[m], ln) != 0))
                        continue;
                    int j = k + (int)ln;
                    if (j >= n) continue;
                    /* A linking element scores as a dictionary form's letters
                     * and one more: "schwangerschaft + s" beats the word list's
                     * compound-initial "schwangerschafts". */
                    step lc = cand;
                    if (ln) lc.score += 2 * nchars(s + k, ln) + 1;
                    step *d = &st[j];
                    if (d->parts == 0 || lc.parts < d->parts ||
                        (lc.parts == d->parts && lc.score > d->score))
                        *d = lc;
                }
            }
        }
    }
    if (best.parts < 2 || best.parts > max_parts) return 0;

    /* Walk back from the end, filling parts from the last. */
    int k = best.parts;
    step cur = best;
    int next_start = n;
    for (;;) {
        pl_xling_part *pt = &parts[--k];
        size_t plen = (size_t)(cur.part_end - cur.from);
        memcpy(pt->surface, s + cur.from, plen);
        if (cur.elided) pt->surface[plen++] = 'e';
        pt->surface[plen] = 0;
        size_t link = (size_t)(next_start - cur.part_end);
        if (link >= sizeof pt->link) link = sizeof pt->link - 1;
        memcpy(pt->link, s + cur.part_end, link);
        pt->link[link] = 0;
        if (!xl_vocab_find(x, li, pt->surface, plen, pt->term))
            memcpy(pt->term, pt->surface, plen + 1);
        if (cur.from == 0 || k == 0) break;
        next_start = cur.from;
        cur = st[cur.from];
    }
    return best.parts;
}

int pl_xling_decompound(const pl_xling *x, const char *lang, const char *word, size_t len,
                        pl_xling_part *parts, int max_parts) {
    if (!x || !word || !parts || max_parts <= 0) return PL_ERR_USAGE;
    int li = xl_lang_find(x, lang);
    if (li < 0 || x->langs[li].vblocks == 0) return 0;
    char s[PL_TERM_MAX + 1];
    int n = pl_xling_fold(word, len, s, sizeof s);
    return decompound_folded(x, li, s, n, parts, max_parts);
}

int pl_xling_can_split(const pl_xling *x, const char *lang) {
    int li = x && lang ? xl_lang_find(x, lang) : -1;
    return li >= 0 && x->langs[li].vblocks > 0;
}

int pl_xling_linkers(const pl_xling *x, const char *lang, const char **links, size_t *lens,
                     int max) {
    int li = x && lang ? xl_lang_find(x, lang) : -1, elide_e;
    if (li < 0 || x->langs[li].vblocks == 0) return 0;
    return parse_linkers(&x->langs[li], links, lens, max, &elide_e);
}

int pl_xling_split_unknown(const pl_xling *x, const char *lang, const char *word,
                           size_t len, const char *term, size_t term_len,
                           pl_xling_part *parts, int max_parts) {
    if (!x || !word || !term || !parts || max_parts <= 0) return PL_ERR_USAGE;
    int li = xl_lang_find(x, lang);
    if (li < 0 || x->langs[li].vblocks == 0) return 0;
    char s[PL_TERM_MAX + 1];
    int n = pl_xling_fold(word, len, s, sizeof s);
    if (n < 2 * MIN_PART_CHARS || nchars(s, (size_t)n) < 2 * MIN_PART_CHARS) return 0;
    if (xl_vocab_find(x, li, s, (size_t)n, NULL) ||
        xl_vocab_has_stem(x, li, term, term_len))
        return 0;
    return decompound_folded(x, li, s, n, parts, max_parts);
}
