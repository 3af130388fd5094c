/*
 * test_langid.c - language identification: the sample synopses (whole and
 * cut to 40 characters), letterless text, scripts, restriction with `only`,
 * close pairs, a prior from the context, the "und" threshold, and the shape
 * of the answer (order, confidences).
 *
 * The samples are read from $PLOTLINE_SAMPLES (CTest sets it), falling back
 * to data/samples when run from the source tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "langid/langid.h"
#include "text/text.h"

/* The first guess for text, or "?" when the call failed. */
static const char *top(const char *text, size_t len, double *conf) {
    static pl_lang_guess g[4];
    int n = pl_langid(text, len, g, 4);
    if (n < 1) return "?";
    if (conf) *conf = g[0].confidence;
    return g[0].lang;
}

static const char *top_s(const char *text) {
    return top(text, strlen(text), NULL);
}

/* Checks each line of a sample file against the expected codes, in order:
 * whole lines and their first 40 characters. Returns the lines seen. */
static int check_sample(const char *dir, const char *name, const char *const *langs,
                        int n_langs) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 0;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int k = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0) continue;
        const char *want = k < n_langs ? langs[k] : "(none)";
        double conf = 0;
        const char *got = top(line, (size_t)n, &conf);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "%s line %d: whole line\n", name, k + 1);
        CHECK_STR(got, want);
        CHECK(conf > 0.5);
        size_t cl = pl_utf8_prefix(line, (size_t)n, 40);
        got = top(line, cl, NULL);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "%s line %d: first 40 characters \"%.*s\"\n", name, k + 1,
                    (int)cl, line);
        CHECK_STR(got, want);
        k++;
    }
    free(line);
    fclose(f);
    return k;
}

static void test_samples(void) {
    const char *dir = getenv("PLOTLINE_SAMPLES");
    if (!dir || !*dir) dir = "data/samples";
    static const char *const de12[] = {"de", "de", "de", "de", "de", "de",
                                       "de", "de", "de", "de", "de", "de"};
    static const char *const mixed[] = {"de", "en", "fi", "fr", "hu",
                                        "it", "es", "pt", "el"};
    CHECK_INT(check_sample(dir, "000_a745887c23e04ec9.txt", de12, 12), 12);
    CHECK_INT(check_sample(dir, "003_c8ee2d876f44739e.txt", mixed, 9), 9);
}

static void test_letterless(void) {
    pl_lang_guess g[4];
    const char *texts[] = {"", "12345", "\xF0\x9F\x98\x80\xF0\x9F\x8E\x89 \xF0\x9F\x91\x8D",
                           "  ...!?  -- 42 ", "\xE2\x82\xAC 3,50 / 100%"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int n = pl_langid(texts[i], strlen(texts[i]), g, 4);
        CHECK_INT(n, 1);
        CHECK_STR(g[0].lang, "und");
        CHECK(g[0].confidence == 0.0);
    }
    /* NULL with length 0 is an empty text; bad arguments are refused. */
    CHECK_INT(pl_langid(NULL, 0, g, 4), 1);
    CHECK_STR(g[0].lang, "und");
    CHECK(pl_langid("abc", 3, g, 0) < 0);
    CHECK(pl_langid("abc", 3, NULL, 1) < 0);
    CHECK(pl_langid(NULL, 3, g, 1) < 0);
}

static void test_short_phrases(void) {
    CHECK_STR(top_s("The weather is nice today and we are going to the beach."), "en");
    CHECK_STR(top_s("Das Wetter ist heute schön und wir gehen an den Strand."), "de");
    CHECK_STR(top_s("Il fait beau aujourd'hui et nous allons à la plage."), "fr");
    CHECK_STR(top_s("Hoy hace buen tiempo y vamos a la playa con mis amigos."), "es");
    CHECK_STR(top_s("Oggi il tempo è bello e andiamo al mare con gli amici."), "it");
    CHECK_STR(top_s("Hoje o tempo está bom e vamos à praia com os amigos."), "pt");
    CHECK_STR(top_s("Het weer is vandaag mooi en we gaan naar het strand."), "nl");
    CHECK_STR(top_s("Dzisiaj jest ładna pogoda i idziemy na plażę."), "pl");
    CHECK_STR(top_s("Bugün hava çok güzel ve sahile gidiyoruz."), "tr");
    CHECK_STR(top_s("Vädret är fint i dag och vi går till stranden."), "sv");
    CHECK_STR(top_s("Dnes je krásné počasí a jdeme s přáteli na pláž."), "cs");
    CHECK_STR(top_s("Dnes je pekné počasie a ideme na pláž."), "sk");
    /* Czech with none of its own letters reads much like Slovak: the two
     * lead, and the confidence says it is a close call. */
    pl_lang_guess g[4];
    const char *cs = "Dnes je krásné počasí a jdeme na pláž.";
    CHECK(pl_langid(cs, strlen(cs), g, 4) >= 2);
    CHECK((strcmp(g[0].lang, "cs") == 0 && strcmp(g[1].lang, "sk") == 0) ||
          (strcmp(g[0].lang, "sk") == 0 && strcmp(g[1].lang, "cs") == 0));
    CHECK(g[0].confidence < 0.8);
}

static void test_scripts(void) {
    CHECK_STR(top_s("今日は天気がいいので、海に行きましょう。"), "ja");
    /* Kanji-heavy, kana present. */
    CHECK_STR(top_s("東京都の人口は約千四百万人である。"), "ja");
    CHECK_STR(top_s("ひらがなとカタカナだけのぶん"), "ja"); /* kana alone, no Han */
    CHECK_STR(top_s("カタカナ"), "ja");
    CHECK_STR(top_s("今天天气很好，我们去海边吧。"), "zh");
    CHECK_STR(top_s("中華人民共和國"), "zh"); /* Han only */
    CHECK_STR(top_s("오늘은 날씨가 좋아서 바다에 갑니다."), "ko");
    CHECK_STR(top_s("Сегодня хорошая погода, и мы идём на пляж вместе с друзьями."), "ru");
    CHECK_STR(top_s("Сьогодні гарна погода, і ми йдемо на пляж разом із друзями."), "uk");
    CHECK_STR(top_s("Σήμερα ο καιρός είναι ωραίος και πηγαίνουμε στη θάλασσα."), "el");
    CHECK_STR(top_s("היום מזג האוויר יפה ואנחנו הולכים לים."), "he");
    CHECK_STR(top_s("วันนี้อากาศดีมาก เราจะไปทะเลกัน"), "th");
    CHECK_STR(top_s("Այսօր եղանակը լավ է, և մենք գնում ենք ծովափ։"), "hy");
    CHECK_STR(top_s("დღეს კარგი ამინდია და ზღვაზე მივდივართ."), "ka");
    CHECK_STR(top_s("آج موسم بہت اچھا ہے اور ہم ساحل پر جا رہے ہیں۔"), "ur");
    CHECK_STR(top_s("اليوم الطقس جميل ونحن ذاهبون إلى الشاطئ."), "ar");
    CHECK_STR(top_s("आज मौसम बहुत अच्छा है और हम समुद्र तट पर जा रहे हैं।"), "hi");
    /* A script no modelled language writes: Tifinagh, Cherokee. */
    CHECK_STR(top_s("ⴰⵣⵓⵍ ⴼⵍⵍⴰⴽ ⴰⵎⴰⵣⵉⵖ"), "und-Tfng");
    CHECK_STR(top_s("ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ"), "und-Cher");
    /* A Russian sentence with Latin names is still Russian. */
    CHECK_STR(top_s("Кэрри встречает Big и Miranda в кафе на Манхэттене, где они обсуждают "
                    "новую колонку."),
              "ru");
}

static void test_guesses_shape(void) {
    pl_lang_guess g[8];
    const char *t =
        "Carrie wird von einem befreundeten Ehepaar nach Long Island eingeladen.";
    int n = pl_langid(t, strlen(t), g, 8);
    CHECK(n >= 2 && n <= 8);
    CHECK_STR(g[0].lang, "de");
    double sum = 0;
    for (int i = 0; i < n; i++) {
        CHECK(g[i].confidence >= 0.0 && g[i].confidence <= 1.0);
        if (i > 0) CHECK(g[i].confidence <= g[i - 1].confidence);
        sum += g[i].confidence;
    }
    CHECK(sum <= 1.0 + 1e-9);
    CHECK(g[0].confidence > 0.9);
    /* max = 1 gives just the best. */
    CHECK_INT(pl_langid(t, strlen(t), g, 1), 1);
    CHECK_STR(g[0].lang, "de");
}

static void test_only(void) {
    pl_lang_guess g[4];
    const char *t =
        "Big ha vuelto a la ciudad, pero desafortunadamente lo hace para operarse.";
    const char *const es_pt[] = {"pt", "es"};
    pl_langid_opts o = {es_pt, 2, NULL, 0};
    int n = pl_langid_ex(t, strlen(t), &o, g, 4);
    CHECK(n >= 1 && n <= 2);
    CHECK_STR(g[0].lang, "es");
    /* Restricted away from the right answer: the best allowed one. */
    const char *const pt_it[] = {"pt", "it", NULL};
    o.only = pt_it;
    o.n_only = 3;
    n = pl_langid_ex(t, strlen(t), &o, g, 4);
    CHECK(n >= 1 && n <= 2);
    CHECK(strcmp(g[0].lang, "pt") == 0 || strcmp(g[0].lang, "it") == 0);
    /* No allowed language writes Greek. */
    const char *const de[] = {"de"};
    o.only = de;
    o.n_only = 1;
    const char *el = "Ο Μπιγκ επισκέπτεται τη Νέα Υόρκη.";
    n = pl_langid_ex(el, strlen(el), &o, g, 4);
    CHECK_INT(n, 1);
    CHECK_STR(g[0].lang, "und");
    CHECK(g[0].confidence == 0.0);
    /* Japanese allowed but Chinese not: Han-only text may be Japanese. */
    const char *const ja[] = {"ja"};
    o.only = ja;
    n = pl_langid_ex("東京都", strlen("東京都"), &o, g, 4);
    CHECK_INT(n, 1);
    CHECK_STR(g[0].lang, "ja");
    /* NULL options and an empty list mean no restriction. */
    n = pl_langid_ex(t, strlen(t), NULL, g, 4);
    CHECK_STR(g[0].lang, "es");
    o.n_only = 0;
    n = pl_langid_ex(t, strlen(t), &o, g, 4);
    CHECK_STR(g[0].lang, "es");
}

/* Close pairs: each side of a pair that identifiers often confuse. */
static void test_close_pairs(void) {
    CHECK_STR(top_s("Han gik hjem efter arbejde og lavede aftensmad til børnene."), "da");
    CHECK_STR(top_s("Han gikk hjem etter jobben og lagde middag til barna."), "nb");
    CHECK_STR(top_s("Hun fortæller sin mor, at hun vil flytte til København."), "da");
    CHECK_STR(top_s("Hun forteller moren sin at hun vil flytte til Bergen."), "nb");
    CHECK_STR(top_s("Ele não sabe que a irmã dela já voltou para casa."), "pt");
    CHECK_STR(top_s("Él no sabe que su hermana ya ha vuelto a casa."), "es");
    CHECK_STR(top_s("Ona neví, že její bratr už je doma."), "cs");
    CHECK_STR(top_s("Ona nevie, že jej brat už je doma."), "sk");
    CHECK_STR(top_s("Он не знает, что его сестра уже вернулась домой."), "ru");
    CHECK_STR(top_s("Він не знає, що його сестра вже повернулася додому."), "uk");
    CHECK_STR(top_s("Hij weet niet dat zijn zus al thuis is."), "nl");
    CHECK_STR(top_s("Er weiß nicht, dass seine Schwester schon zu Hause ist."), "de");
}

/* Edge cases: one word, digits around words, emoji, mixed scripts. */
static void test_edges(void) {
    CHECK_STR(top_s("Schwester"), "de");
    CHECK_STR(top_s("Staffel 3, Folge 12: Die Rückkehr 2019"), "de");
    CHECK_STR(top_s("\xF0\x9F\x98\x80 Ils se retrouvent enfin à Paris \xF0\x9F\x8E\x89"),
              "fr");
    /* Mostly Greek with a Latin name: Greek; mostly Japanese with an English
     * title: Japanese. */
    CHECK_STR(top_s("Ο Walter White ανακαλύπτει ότι έχει καρκίνο."), "el");
    CHECK_STR(top_s("ウォルターは Breaking Bad の主人公で、化学の教師です。"), "ja");
    double conf = 1;
    const char *t = "42 ... 17";
    CHECK_STR(top(t, strlen(t), &conf), "und");
    CHECK(conf == 0.0);
}

/* A prior from the context decides close calls, not clear ones. */
static void test_prior(void) {
    pl_lang_guess g[4];
    pl_langid_opts o = {NULL, 0, "nb", 0};
    /* Words that Danish and Bokmål spell alike. */
    const char *amb = "Hun er hjemme";
    CHECK(pl_langid_ex(amb, strlen(amb), &o, g, 4) >= 1);
    CHECK_STR(g[0].lang, "nb");
    o.prior = "da";
    CHECK(pl_langid_ex(amb, strlen(amb), &o, g, 4) >= 1);
    CHECK_STR(g[0].lang, "da");
    /* A clear German sentence stays German whatever the prior. */
    const char *de = "Das Wetter ist heute schön und wir gehen an den Strand.";
    o.prior = "nl";
    CHECK(pl_langid_ex(de, strlen(de), &o, g, 4) >= 1);
    CHECK_STR(g[0].lang, "de");
    /* Below min_confidence the answer is "und". */
    pl_langid_opts th = {NULL, 0, NULL, 0.999};
    CHECK_INT(pl_langid_ex(amb, strlen(amb), &th, g, 4), 1);
    CHECK_STR(g[0].lang, "und");
    CHECK(g[0].confidence < 0.999);
    th.min_confidence = 0.5;
    CHECK(pl_langid_ex(de, strlen(de), &th, g, 4) >= 1);
    CHECK_STR(g[0].lang, "de");
}

static void test_invalid_utf8(void) {
    /* Garbage bytes are no letters and never crash the reader. */
    const char bad[] =
        "Das ist \xFF\xFE ein Test \xC3 und noch mehr deutscher Text \xE2\x82";
    CHECK_STR(top(bad, sizeof bad - 1, NULL), "de");
    CHECK_STR(top("\xFF\xFE\xFD", 3, NULL), "und");
}

/* The spans of text (at most `max` copied to sp), checked to cover it in
 * order without gaps; returns their number. */
static int spans_of(const char *text, pl_lang_span *sp, int max) {
    size_t len = strlen(text);
    pl_lang_span *all;
    int n = pl_langid_spans(text, len, NULL, &all);
    CHECK(n >= 0);
    CHECK((n > 0) == (all != NULL));
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        CHECK(all[i].start == at);
        CHECK(all[i].len > 0);
        CHECK(all[i].confidence >= 0 && all[i].confidence <= 1.0 + 1e-9);
        at = all[i].start + all[i].len;
        if (i < max) sp[i] = all[i];
    }
    if (n > 0) CHECK(at == len);
    pl_lang_spans_free(all);
    return n;
}

/* The span holding byte offset `at` of the text. */
static const char *lang_at(const pl_lang_span *sp, int n, size_t at) {
    for (int i = 0; i < n; i++)
        if (at >= sp[i].start && at < sp[i].start + sp[i].len) return sp[i].lang;
    return "?";
}

static void test_spans(void) {
    pl_lang_span sp[16];
    /* A quoted English title inside Russian stays English, quotation marks
     * included. */
    const char *ru = "Кэрри смотрит фильм «Breakfast at Tiffany's» и плачет.";
    int n = spans_of(ru, sp, 16);
    CHECK_INT(n, 3);
    CHECK_STR(sp[0].lang, "ru");
    CHECK_STR(sp[1].lang, "en");
    CHECK_STR(sp[2].lang, "ru");
    CHECK(strncmp(ru + sp[1].start, "«Breakfast", strlen("«Breakfast")) == 0);
    /* An unquoted English phrase in a German sentence. */
    const char *de =
        "Die Mädels gehen ins Kino, und Samantha sagt nur: you only live once, "
        "meine Lieben!";
    n = spans_of(de, sp, 16);
    CHECK_INT(n, 3);
    CHECK_STR(lang_at(sp, n, 0), "de");
    CHECK_STR(lang_at(sp, n, (size_t)(strstr(de, "only") - de)), "en");
    CHECK_STR(lang_at(sp, n, (size_t)(strstr(de, "Lieben") - de)), "de");
    /* A French phrase in English, and an English sentence before French. */
    const char *en = "Carrie says she loves Paris, c'est la vie, and orders another "
                     "cosmopolitan at the bar.";
    n = spans_of(en, sp, 16);
    CHECK_STR(lang_at(sp, n, 0), "en");
    CHECK_STR(lang_at(sp, n, (size_t)(strstr(en, "c'est") - en)), "fr");
    CHECK_STR(lang_at(sp, n, (size_t)(strstr(en, "orders") - en)), "en");
    const char *two = "Samantha meets a new man. Samantha rencontre un nouvel homme au "
                      "restaurant ce soir.";
    n = spans_of(two, sp, 16);
    CHECK_INT(n, 2);
    CHECK_STR(sp[0].lang, "en");
    CHECK_STR(sp[1].lang, "fr");
    CHECK(strncmp(two + sp[1].start, "Samantha rencontre", 18) == 0);
    /* Names and loanwords stay in their sentence, in any script. */
    CHECK_INT(
        spans_of("Carrie trifft Mr. Big in New York und sie gehen zusammen essen.", sp, 16),
        1);
    CHECK_STR(sp[0].lang, "de");
    CHECK_INT(spans_of("Η Κάρι γνωρίζει τον Big στη Νέα Υόρκη.", sp, 16), 1);
    CHECK_STR(sp[0].lang, "el");
    /* One language: one span, as sure as the whole text's guess. */
    CHECK_INT(spans_of("Das Wetter ist heute schön und wir gehen an den Strand.", sp, 16),
              1);
    CHECK_STR(sp[0].lang, "de");
    CHECK(sp[0].confidence > 0.9);
    /* Nothing, or nothing to read. */
    CHECK_INT(spans_of("", sp, 16), 0);
    CHECK_INT(spans_of("12:45 -- !!", sp, 16), 1);
    CHECK_STR(sp[0].lang, "und");
    /* Many spans: more than the library's first guess of room. */
    char many[2048] = "";
    for (int i = 0; i < 12; i++)
        strcat(many,
               "Die Mädels gehen heute Abend zusammen ins Kino. \"You only live once, "
               "darling.\" ");
    CHECK_INT(spans_of(many, sp, 16), 24);
    CHECK_STR(sp[0].lang, "de");
    CHECK_STR(sp[1].lang, "en");
    /* Bad calls. */
    pl_lang_span *none = sp;
    CHECK_INT(pl_langid_spans(ru, strlen(ru), NULL, NULL), PL_ERR_USAGE);
    CHECK_INT(pl_langid_spans(NULL, 5, NULL, &none), PL_ERR_USAGE);
    CHECK(none == NULL);
    pl_lang_spans_free(NULL);
    /* `only` limits the languages spans may have. */
    const char *only[] = {"de", "fr"};
    pl_langid_opts o = {only, 2, NULL, 0};
    pl_lang_span *all;
    n = pl_langid_spans(de, strlen(de), &o, &all);
    CHECK(n >= 1);
    for (int i = 0; i < n; i++)
        CHECK(strcmp(all[i].lang, "de") == 0 || strcmp(all[i].lang, "fr") == 0);
    pl_lang_spans_free(all);
}

/* Any bytes at all, valid UTF-8 or not (the library reads bad bytes as
 * separators), give spans that cover them in order, and a guess. */
static void test_spans_any_bytes(void) {
    static const char *const pieces[] = {
        "Carrie ", "trifft ", "«",  "»",    "\"",   "Big ", "the ", "Кэрри ", "Σάρλοτ ",
        "東京",    "かな",    ". ", "\xff", "\xc3", "\x80", "123 ", "l'",     "\n"};
    check_rng_state = 0x5eed5eedULL;
    char text[512];
    pl_lang_span sp[1];
    for (int i = 0; i < 2000; i++) {
        size_t n = 0, parts = rnd_below(24);
        for (size_t k = 0; k < parts; k++) {
            const char *p = pieces[rnd_below(sizeof pieces / sizeof pieces[0])];
            size_t l = strlen(p);
            if (n + l >= sizeof text) break;
            memcpy(text + n, p, l);
            n += l;
        }
        text[n] = 0;
        /* spans_of checks the cover; strlen stops at no NUL inside. */
        int k = spans_of(text, sp, 1);
        CHECK(k >= 0 && (n == 0) == (k == 0));
        pl_lang_guess g[3];
        CHECK(pl_langid(text, n, g, 3) >= 1);
    }
}

/* Text mostly in another language that quotes English is that language's,
 * and English that quotes a little of another stays English. */
static void test_second_look(void) {
    CHECK_STR(top_s("Miranda's new boyfriend Robert takes her to a concert, aber sie "
                    "langweilt sich schrecklich und geht früh nach Hause zurück."),
              "de");
    /* Names read as English in any language: the rest decides. */
    CHECK_STR(top_s("Carrie rencontre Big à New York."), "fr");
    CHECK_STR(top_s("Carrie meets Big in New York."), "en");
    CHECK_STR(top_s("Samantha and Miranda meet Charlotte at the Plaza in New York City."),
              "en");
    /* Options of a command, then their translated description. */
    CHECK_STR(top_s("--keep-directory-symlink Bevar eksisterende"), "da");
    CHECK_STR(top_s("-o, --only-matching Muestra sólo la"), "es");
    CHECK_STR(top_s("Carrie says she loves Paris, c'est la vie, and orders another "
                    "cosmopolitan at the bar."),
              "en");
    CHECK_STR(top_s("Der Kapitän liest laut vor: the quick brown fox jumps over the lazy "
                    "dog and runs away into the forest."),
              "en");
}

int main(void) {
    test_samples();
    test_letterless();
    test_short_phrases();
    test_scripts();
    test_guesses_shape();
    test_only();
    test_close_pairs();
    test_edges();
    test_prior();
    test_invalid_utf8();
    test_spans();
    test_spans_any_bytes();
    test_second_look();
    return CHECK_DONE();
}
