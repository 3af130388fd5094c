/*
 * test_query.c - the query parser: words, phrases, exclusions, required
 * words, OR and AND, and the lenient handling a search box needs.
 */
#include "check.h"
#include "search/search.h"

static pl_analyzer *an;

static int parse(const char *q, pl_query *out) {
    pl_err err = PL_ERR_INIT;
    return pl_query_parse(an, q, out, &err);
}

static void test_words(void) {
    pl_query q;
    CHECK_INT(parse("Kreditkarte zerschnitten", &q), PL_OK);
    CHECK_INT(q.n_clauses, 2);
    CHECK_STR(q.clauses[0].alts[0].text, "Kreditkarte");
    CHECK_STR(q.clauses[1].alts[0].text, "zerschnitten");
    CHECK_INT(q.clauses[1].excluded, 0);
    pl_query_free(&q);
}

static void test_split_word(void) {
    /* The tokenizer splits Herz-OP: two clauses, neither required. */
    pl_query q;
    CHECK_INT(parse("Herz-OP", &q), PL_OK);
    CHECK_INT(q.n_clauses, 2);
    CHECK_STR(q.clauses[0].alts[0].text, "Herz");
    CHECK_STR(q.clauses[1].alts[0].text, "OP");
    /* Its language is told from the word as written, not from "Herz OP". */
    CHECK_STR(q.text, "Herz-OP");
    pl_query_free(&q);
    /* The text for the identifier: words and phrases, no operators. */
    CHECK_INT(parse("Herz-OP OR \"neuer Lover\" -Furz AND Schuhe ...", &q), PL_OK);
    CHECK_STR(q.text, "Herz-OP neuer Lover Furz Schuhe");
    pl_query_free(&q);
}

static void test_phrase_and_exclusion(void) {
    pl_query q;
    CHECK_INT(parse("\"mit Mundgeruch\" -Schildkröte -\"neuer Lover\"", &q), PL_OK);
    CHECK_INT(q.n_clauses, 3);
    CHECK_STR(q.clauses[0].alts[0].text, "mit Mundgeruch");
    CHECK_INT(q.clauses[0].alts[0].phrase, 1);
    CHECK_INT(q.clauses[0].excluded, 0);
    CHECK_STR(q.clauses[1].alts[0].text, "Schildkröte");
    CHECK_INT(q.clauses[1].excluded, 1);
    CHECK_STR(q.clauses[2].alts[0].text, "neuer Lover");
    CHECK_INT(q.clauses[2].excluded, 1);
    pl_query_free(&q);
}

static void test_or(void) {
    pl_query q;
    CHECK_INT(parse("Carrie Schuhe OR Stiefel OR \"rote Pumps\"", &q), PL_OK);
    CHECK_INT(q.n_clauses, 2);
    CHECK_INT(q.clauses[1].n_alts, 3);
    CHECK_STR(q.clauses[1].alts[0].text, "Schuhe");
    CHECK_STR(q.clauses[1].alts[1].text, "Stiefel");
    CHECK_STR(q.clauses[1].alts[2].text, "rote Pumps");
    CHECK_INT(q.clauses[1].alts[2].phrase, 1);
    pl_query_free(&q);
    /* OR beside an exclusion joins nothing. */
    CHECK_INT(parse("Carrie -Big OR Miranda", &q), PL_OK);
    CHECK_INT(q.n_clauses, 3);
    CHECK_INT(q.clauses[1].excluded, 1);
    CHECK_INT(q.clauses[1].n_alts, 1);
    CHECK_STR(q.clauses[2].alts[0].text, "Miranda");
    CHECK_INT(q.clauses[2].excluded, 0);
    pl_query_free(&q);
    /* OR at either end, or lowercase, is a word. */
    CHECK_INT(parse("OR Herz or", &q), PL_OK);
    CHECK_INT(q.n_clauses, 3);
    CHECK_STR(q.clauses[0].alts[0].text, "OR");
    CHECK_STR(q.clauses[2].alts[0].text, "or");
    pl_query_free(&q);
}

static void test_required(void) {
    pl_query q;
    /* +word and +"phrase" are required; the rest stays optional. */
    CHECK_INT(parse("+Kreditkarte Schuhe +\"rote Pumps\" -Big", &q), PL_OK);
    CHECK_INT(q.n_clauses, 4);
    CHECK_INT(q.clauses[0].required, 1);
    CHECK_STR(q.clauses[0].alts[0].text, "Kreditkarte");
    CHECK_INT(q.clauses[1].required, 0);
    CHECK_INT(q.clauses[2].required, 1);
    CHECK_INT(q.clauses[2].alts[0].phrase, 1);
    CHECK_INT(q.clauses[3].required, 0);
    CHECK_INT(q.clauses[3].excluded, 1);
    pl_query_free(&q);
    /* AND requires the words on both sides; a chain, all of them. */
    CHECK_INT(parse("Carrie Schuhe AND Kreditkarte AND Paris", &q), PL_OK);
    CHECK_INT(q.n_clauses, 4);
    CHECK_INT(q.clauses[0].required, 0);
    CHECK_INT(q.clauses[1].required, 1);
    CHECK_INT(q.clauses[2].required, 1);
    CHECK_INT(q.clauses[3].required, 1);
    pl_query_free(&q);
    /* +Herz-OP: both parts required. */
    CHECK_INT(parse("+Herz-OP Big", &q), PL_OK);
    CHECK_INT(q.n_clauses, 3);
    CHECK_INT(q.clauses[0].required + q.clauses[1].required, 2);
    CHECK_INT(q.clauses[2].required, 0);
    pl_query_free(&q);
    /* A group with a required word is required. */
    CHECK_INT(parse("Carrie +Schuhe OR Stiefel", &q), PL_OK);
    CHECK_INT(q.n_clauses, 2);
    CHECK_INT(q.clauses[1].n_alts, 2);
    CHECK_INT(q.clauses[1].required, 1);
    pl_query_free(&q);
    /* AND at either end, a lone '+', and "a+b" are words. */
    CHECK_INT(parse("AND Herz + a+b AND", &q), PL_OK);
    CHECK_STR(q.clauses[0].alts[0].text, "AND");
    CHECK_INT(q.clauses[0].required, 0);
    CHECK_INT(q.clauses[1].required, 0);
    CHECK_STR(q.clauses[q.n_clauses - 1].alts[0].text, "AND");
    for (size_t i = 0; i < q.n_clauses; i++)
        CHECK_INT(q.clauses[i].required, 0);
    pl_query_free(&q);
    /* AND beside an exclusion requires only the other side. */
    CHECK_INT(parse("Carrie AND -Big", &q), PL_OK);
    CHECK_INT(q.n_clauses, 2);
    CHECK_INT(q.clauses[0].required, 1);
    CHECK_INT(q.clauses[1].excluded, 1);
    CHECK_INT(q.clauses[1].required, 0);
    pl_query_free(&q);
}

static void test_lenient(void) {
    pl_query q;
    CHECK_INT(parse("\"unclosed phrase", &q), PL_OK);
    CHECK_INT(q.n_clauses, 1);
    CHECK_STR(q.clauses[0].alts[0].text, "unclosed phrase");
    pl_query_free(&q);
    CHECK_INT(parse("  ... !!! -- ", &q), PL_OK);
    CHECK_INT(q.n_clauses, 0);
    pl_query_free(&q);
    CHECK_INT(parse("", &q), PL_OK);
    CHECK_INT(q.n_clauses, 0);
    pl_query_free(&q);
}

int main(void) {
    CHECK_INT(pl_analyzer_new(&an), PL_OK);
    test_words();
    test_split_word();
    test_phrase_and_exclusion();
    test_or();
    test_required();
    test_lenient();
    pl_analyzer_free(an);
    return CHECK_DONE();
}
