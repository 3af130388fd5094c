/*
 * test_buf.c - byte buffers, varints and JSON string escaping.
 */
#include <stdlib.h>

#include "check.h"
#include "util/buf.h"

static void test_varint_roundtrip(void) {
    static const uint64_t values[] = {
        0, 1, 127, 128, 300, 16383, 16384, 1u << 31, UINT64_MAX / 3, UINT64_MAX};
    pl_buf b = PL_BUF_INIT;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        pl_buf_put_varint(&b, values[i]);
    CHECK(!b.oom);
    const unsigned char *p = b.data, *end = b.data + b.len;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        uint64_t v = 0;
        CHECK_INT(pl_varint_get(&p, end, &v), 0);
        CHECK(v == values[i]);
    }
    CHECK(p == end);
    /* One byte for small values, ten for the largest. */
    pl_buf_reset(&b);
    pl_buf_put_varint(&b, 127);
    CHECK_INT(b.len, 1);
    pl_buf_reset(&b);
    pl_buf_put_varint(&b, UINT64_MAX);
    CHECK_INT(b.len, 10);
    pl_buf_free(&b);
}

static void test_varint_corrupt(void) {
    /* Truncated: a continuation bit with nothing after it. */
    const unsigned char trunc[] = {0x80, 0x80};
    const unsigned char *p = trunc;
    uint64_t v;
    CHECK_INT(pl_varint_get(&p, trunc + 2, &v), -1);
    /* Overflow: eleven continuation bytes. */
    unsigned char over[11];
    for (int i = 0; i < 10; i++)
        over[i] = 0xff;
    over[10] = 0x01;
    p = over;
    CHECK_INT(pl_varint_get(&p, over + 11, &v), -1);
}

static void test_json_escape(void) {
    pl_buf b = PL_BUF_INIT;
    const char s[] = "a\"b\\c\nd\x01"
                     "é";
    pl_buf_json_str(&b, s, sizeof s - 1);
    CHECK_STR(pl_buf_cstr(&b), "a\\\"b\\\\c\\nd\\u0001é");
    pl_buf_free(&b);
}

static void test_printf_growth(void) {
    pl_buf b = PL_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        pl_buf_printf(&b, "%04d,", i);
    CHECK_INT(b.len, 5000);
    char *s = pl_buf_cstr(&b);
    CHECK(s && strncmp(s + 4995, "0999,", 5) == 0);
    size_t n;
    unsigned char *owned = pl_buf_detach(&b, &n);
    CHECK_INT(n, 5000);
    CHECK(b.data == NULL && b.len == 0);
    free(owned);
}

/* A bounded copy: whole when it fits, cut and terminated when not. */
static void test_str_copy(void) {
    char d[5];
    CHECK_INT(pl_str_copy(d, sizeof d, "herz"), 4);
    CHECK_STR(d, "herz");
    CHECK_INT(pl_str_copy(d, sizeof d, "kreditkarte"), 4);
    CHECK_STR(d, "kred");
    CHECK_INT(pl_str_copy(d, sizeof d, ""), 0);
    CHECK_STR(d, "");
    CHECK_INT(pl_str_copy(d, 1, "x"), 0);
    CHECK_STR(d, "");
}

int main(void) {
    test_varint_roundtrip();
    test_varint_corrupt();
    test_json_escape();
    test_printf_growth();
    test_str_copy();
    return CHECK_DONE();
}
