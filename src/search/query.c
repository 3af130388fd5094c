/*
 * query.c - the query parser: words, "phrases", -exclusions, +required
 * words, OR and AND.
 */
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "util/buf.h"

typedef struct spans {
    uint32_t start[64], end[64];
    size_t n;
} spans;

static int note_span(void *ctx, const pl_token *t) {
    spans *s = ctx;
    if (s->n == 64) return 1; /* enough: a longer word is taken as a phrase */
    s->start[s->n] = t->start;
    s->end[s->n] = t->end;
    s->n++;
    return 0;
}

static int add_clause(pl_query *q, int excluded, int required) {
    pl_qclause *grown = realloc(q->clauses, (q->n_clauses + 1) * sizeof *grown);
    if (!grown) return PL_ERR_NOMEM;
    q->clauses = grown;
    q->clauses[q->n_clauses++] = (pl_qclause){NULL, 0, excluded, required && !excluded};
    return PL_OK;
}

static int add_alt(pl_qclause *c, const char *s, size_t n, int phrase) {
    pl_qalt *grown = realloc(c->alts, (c->n_alts + 1) * sizeof *grown);
    if (!grown) return PL_ERR_NOMEM;
    c->alts = grown;
    char *text = strndup(s, n);
    if (!text) return PL_ERR_NOMEM;
    c->alts[c->n_alts++] = (pl_qalt){text, phrase};
    return PL_OK;
}

void pl_query_free(pl_query *q) {
    for (size_t i = 0; i < q->n_clauses; i++) {
        for (size_t j = 0; j < q->clauses[i].n_alts; j++)
            free(q->clauses[i].alts[j].text);
        free(q->clauses[i].alts);
    }
    free(q->clauses);
    free(q->text);
    q->clauses = NULL;
    q->n_clauses = 0;
    q->text = NULL;
}

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One item of the query as written: a word or a quoted phrase. */
typedef struct item {
    const char *s;
    size_t n;
    int quoted, excluded, required, is_or, is_and;
} item;

static const char *next_item(const char *p, item *it) {
    while (is_space(*p))
        p++;
    if (!*p) return NULL;
    *it = (item){0};
    if (*p == '-' && (p[1] == '"' || (p[1] && !is_space(p[1]) && p[1] != '-'))) {
        it->excluded = 1;
        p++;
    } else if (*p == '+' && (p[1] == '"' || (p[1] && !is_space(p[1]) && p[1] != '+'))) {
        it->required = 1;
        p++;
    }
    if (*p == '"') {
        const char *end = strchr(p + 1, '"');
        it->s = p + 1;
        it->n = end ? (size_t)(end - p - 1) : strlen(p + 1);
        it->quoted = 1;
        return end ? end + 1 : p + 1 + it->n;
    }
    it->s = p;
    while (*p && !is_space(*p) && *p != '"')
        p++;
    it->n = (size_t)(p - it->s);
    int plain = !it->excluded && !it->required;
    it->is_or = plain && it->n == 2 && memcmp(it->s, "OR", 2) == 0;
    it->is_and = plain && it->n == 3 && memcmp(it->s, "AND", 3) == 0;
    return p;
}

int pl_query_parse(pl_analyzer *an, const char *q, pl_query *out, pl_err *err) {
    memset(out, 0, sizeof *out);
    item items[256];
    size_t n = 0;
    for (const char *p = q; n < 256 && (p = next_item(p, &items[n]));)
        n++;

    /* AND between two items requires both ("a AND b AND c": all three);
     * at either end of the query it is a word. */
    for (size_t i = 1; i + 1 < n; i++)
        if (items[i].is_and && !items[i - 1].is_and && !items[i + 1].is_and &&
            !items[i - 1].is_or && !items[i + 1].is_or) {
            items[i - 1].required |= !items[i - 1].excluded;
            items[i + 1].required |= !items[i + 1].excluded;
        } else {
            items[i].is_and = 0;
        }
    if (n > 0) items[0].is_and = items[n - 1].is_and = 0;

    int rc = PL_OK;
    pl_buf text = PL_BUF_INIT;
    for (size_t i = 0; i < n && !rc; i++) {
        item *it = &items[i];
        if (it->is_and) continue;
        /* OR joins its neighbours; at either end of the query it is a word. */
        /* OR next to an exclusion joins nothing: "-a OR b" reads as "-a b". */
        int joins_prev = i >= 2 && items[i - 1].is_or && !items[i - 2].is_or &&
                         !items[i - 2].excluded && !it->excluded && !it->is_or &&
                         out->n_clauses > 0;
        if (it->is_or && i > 0 && i + 1 < n) continue;
        spans sp = {.n = 0};
        pl_analyze(an, NULL, it->s, it->n, note_span, &sp);
        if (sp.n == 0) continue; /* punctuation only */
        if (text.len) pl_buf_putc(&text, ' ');
        pl_buf_append(&text, it->s, it->n);
        if (joins_prev) {
            pl_qclause *c = &out->clauses[out->n_clauses - 1];
            /* A group "a OR b" is required when one of its words is. */
            c->required |= it->required;
            rc = add_alt(c, it->s, it->n, it->quoted || sp.n > 1);
            continue;
        }
        int grouped = i + 2 < n && items[i + 1].is_or;
        if (it->quoted || it->excluded || grouped || sp.n == 1) {
            if (!(rc = add_clause(out, it->excluded, it->required)))
                rc = add_alt(&out->clauses[out->n_clauses - 1], it->s, it->n,
                             it->quoted || sp.n > 1);
            continue;
        }
        /* "Herz-OP" is two words to the user: two clauses, each optional
         * (each required in "+Herz-OP"). */
        for (size_t k = 0; k < sp.n && !rc; k++)
            if (!(rc = add_clause(out, 0, it->required)))
                rc = add_alt(&out->clauses[out->n_clauses - 1], it->s + sp.start[k],
                             sp.end[k] - sp.start[k], 0);
    }
    if (!rc && !pl_buf_cstr(&text)) rc = PL_ERR_NOMEM;
    if (!rc) out->text = (char *)pl_buf_detach(&text, NULL);
    if (rc) {
        pl_buf_free(&text);
        pl_query_free(out);
        return pl_err_set(err, PL_ERR_NOMEM, "parsing the query: out of memory");
    }
    return PL_OK;
}
