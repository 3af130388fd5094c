/*
 * lang_choice.c - which of an episode's synopses a reader sees.
 *
 * The reader names a language (`lang`, else the browser's Accept-Language)
 * and a fallback list. Each is tried in order: the exact tag, then its base
 * language (pt-BR -> pt), then any regional form of that base (pt -> pt-PT).
 * After them comes the caller's default (in search, the best-matching
 * synopsis), then the episode's original language: its first real synopsis.
 * Placeholders ("Folge 4") never count: a reader who asked for German gets
 * the English story, not the German label.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/server_internal.h"

int lang_tag_valid(const char *s) {
    size_t n = strlen(s), i = 0;
    if (n == 0 || n >= PL_LANG_MAX) return 0;
    while (i < n && isalpha((unsigned char)s[i]))
        i++;
    if (i < 2 || i > 3) return 0;
    while (i < n) {
        if (s[i] != '-' && s[i] != '_') return 0;
        size_t start = ++i;
        while (i < n && isalnum((unsigned char)s[i]))
            i++;
        if (i == start || i - start > 8) return 0;
    }
    return 1;
}

static void lower_copy(char *dst, const char *src) {
    size_t i = 0;
    for (; src[i] && i < PL_LANG_MAX - 1; i++)
        dst[i] = src[i] == '_' ? '-' : (char)tolower((unsigned char)src[i]);
    dst[i] = 0;
}

static void add_pref(lang_prefs *p, const char *tag) {
    char t[PL_LANG_MAX];
    lower_copy(t, tag);
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->tag[i], t) == 0) return;
    if (p->n < LANG_PREFS_MAX) memcpy(p->tag[p->n++], t, PL_LANG_MAX);
}

/* Adds each tag of a comma-separated list; -1 on a malformed one. With
 * `weights`, entries may carry ";q=0.8" and are sorted by it (stable), and
 * "*" and malformed entries are skipped: browsers send what they send. */
static int add_list(lang_prefs *p, const char *list, int weights, const char *what,
                    char *why, size_t whylen) {
    struct {
        char tag[PL_LANG_MAX];
        double q;
    } items[LANG_PREFS_MAX];
    size_t n = 0;
    const char *s = list;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        char item[PL_LANG_MAX];
        size_t a = 0, b = len;
        while (a < b && isspace((unsigned char)s[a]))
            a++;
        while (b > a && isspace((unsigned char)s[b - 1]))
            b--;
        double q = 1;
        if (weights) {
            const char *semi = memchr(s + a, ';', b - a);
            if (semi) {
                const char *qs = semi + 1;
                while (*qs == ' ')
                    qs++;
                if (strncmp(qs, "q=", 2) == 0) q = atof(qs + 2);
                b = (size_t)(semi - s);
                while (b > a && isspace((unsigned char)s[b - 1]))
                    b--;
            }
        }
        if (b > a) {
            int fits = b - a < sizeof item;
            if (fits) {
                memcpy(item, s + a, b - a);
                item[b - a] = 0;
            }
            if (!fits || !lang_tag_valid(item)) {
                if (!weights) {
                    snprintf(why, whylen,
                             "%s: \"%.*s\" is not a language tag (like en or pt-BR)", what,
                             (int)(b - a > 40 ? 40 : b - a), s + a);
                    return -1;
                }
            } else if (q > 0 && n < LANG_PREFS_MAX) {
                snprintf(items[n].tag, PL_LANG_MAX, "%s", item);
                items[n++].q = q;
            }
        }
        if (!comma) break;
        s = comma + 1;
    }
    /* Insertion sort by weight, keeping the given order among equals. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && items[j].q > items[j - 1].q; j--) {
            __typeof__(items[0]) t = items[j];
            items[j] = items[j - 1];
            items[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        add_pref(p, items[i].tag);
    return 0;
}

int lang_prefs_parse(lang_prefs *p, const char *lang, const char *fallback,
                     const char *accept_language, char *why, size_t whylen) {
    memset(p, 0, sizeof p[0]);
    if (lang && *lang) {
        if (!lang_tag_valid(lang)) {
            snprintf(why, whylen,
                     "lang: \"%.40s\" is not a language tag (like en or pt-BR)", lang);
            return -1;
        }
        snprintf(p->lang, sizeof p->lang, "%s", lang);
        add_pref(p, lang);
    } else if (accept_language && *accept_language) {
        add_list(p, accept_language, 1, "Accept-Language", why, whylen);
    }
    if (fallback && *fallback && add_list(p, fallback, 0, "fallback", why, whylen))
        return -1;
    return 0;
}

int lang_is_real(const pl_episode *e, size_t i) {
    const pl_synopsis *s = &e->synopses[i];
    return !pl_is_placeholder(s->text, strlen(s->text), e->title);
}

static size_t base_len(const char *tag) {
    size_t n = 0;
    while (tag[n] && tag[n] != '-' && tag[n] != '_')
        n++;
    return n;
}

/* 0 exact (case aside), 1 the same base language, -1 unrelated. */
static int tag_match(const char *want, const char *have) {
    if (strcasecmp(want, have) == 0) return 0;
    size_t a = base_len(want), b = base_len(have);
    return a == b && strncasecmp(want, have, a) == 0 ? 1 : -1;
}

int lang_choose(const pl_episode *e, const lang_prefs *p, int dflt) {
    for (size_t k = 0; k < p->n; k++) {
        const char *want = p->tag[k];
        char base[PL_LANG_MAX];
        size_t bl = base_len(want);
        memcpy(base, want, bl);
        base[bl] = 0;
        /* The exact tag; then the base language itself; then any region. */
        for (int pass = 0; pass < 3; pass++) {
            for (size_t i = 0; i < e->n_synopses; i++) {
                const char *have = e->synopses[i].lang;
                int ok = pass == 0   ? tag_match(want, have) == 0
                         : pass == 1 ? strcasecmp(base, have) == 0
                                     : tag_match(want, have) >= 0;
                if (ok && lang_is_real(e, i)) return (int)i;
            }
        }
    }
    if (dflt >= 0 && (size_t)dflt < e->n_synopses && lang_is_real(e, (size_t)dflt))
        return dflt;
    for (size_t i = 0; i < e->n_synopses; i++)
        if (lang_is_real(e, i)) return (int)i;
    return -1;
}
