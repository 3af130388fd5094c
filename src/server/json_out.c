/*
 * json_out.c - the JSON the API answers with: strings, synopses, episodes.
 *
 * Written by hand on a pl_buf (whose out-of-memory flag is sticky, checked
 * once when answering) rather than built as a tree: answers are written
 * once, in order, and a search page is the hottest path of the server.
 */
#include <stdio.h>
#include <string.h>

#include "server/server_internal.h"

void json_strn(pl_buf *b, const char *s, size_t n) {
    pl_buf_putc(b, '"');
    pl_buf_json_str(b, s, n);
    pl_buf_putc(b, '"');
}

void json_str(pl_buf *b, const char *s) {
    if (!s)
        pl_buf_puts(b, "null");
    else
        json_strn(b, s, strlen(s));
}

void json_langs(pl_buf *b, const pl_episode *e) {
    pl_buf_putc(b, '[');
    int any = 0;
    for (size_t i = 0; i < e->n_synopses; i++) {
        if (!lang_is_real(e, i)) continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen =
                strcmp(e->synopses[j].lang, e->synopses[i].lang) == 0 && lang_is_real(e, j);
        if (seen) continue;
        if (any++) pl_buf_putc(b, ',');
        json_str(b, e->synopses[i].lang);
    }
    pl_buf_putc(b, ']');
}

void json_synopsis(pl_buf *b, const pl_synopsis *s, int placeholder) {
    pl_buf_printf(b, "{\"id\":%lld,\"episode_id\":%lld,\"lang\":", (long long)s->id,
                  (long long)s->episode_id);
    json_str(b, s->lang);
    pl_buf_printf(b, ",\"lang_confidence\":%.4f,\"lang_given\":%s,\"source\":",
                  s->lang_confidence, s->lang_given ? "true" : "false");
    json_str(b, s->source);
    pl_buf_printf(b, ",\"placeholder\":%s,\"text\":", placeholder ? "true" : "false");
    json_str(b, s->text);
    pl_buf_putc(b, '}');
}

void json_episode_fields(pl_buf *b, const pl_episode *e) {
    pl_buf_printf(b, "\"id\":%lld,\"series\":", (long long)e->id);
    if (*e->series)
        json_str(b, e->series);
    else
        pl_buf_puts(b, "null");
    pl_buf_puts(b, ",\"season\":");
    if (e->season)
        pl_buf_printf(b, "%d", e->season);
    else
        pl_buf_puts(b, "null");
    pl_buf_puts(b, ",\"number\":");
    if (e->number)
        pl_buf_printf(b, "%d", e->number);
    else
        pl_buf_puts(b, "null");
    pl_buf_puts(b, ",\"title\":");
    if (*e->title)
        json_str(b, e->title);
    else
        pl_buf_puts(b, "null");
}

int utf8_valid(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0) return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4, cp = c & 0x07;
        else
            return 0;
        if (i + len > n) return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and beyond U+10FFFF. */
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}
