/*
 * ahead.c - language identification and match keys for the next records of
 * a batch, on a helper thread.
 *
 * Of what a batch does with a synopsis, telling its language and working
 * out its match keys (about two fifths of an import) depend on the synopsis
 * alone; storing it, grouping it and indexing it depend on all that was
 * stored before. So while the batch's own thread stores one record, a
 * helper identifies and keys the ones after it; the batch takes the results
 * in the records' order (write.c), checking that the identification's prior,
 * the batch's language so far, is still the one the helper used.
 *
 * The queue is a ring of fixed slots: the batch's thread fills a slot and
 * publishes it by moving `tail`; the helper takes slots in order and marks
 * each done; the batch's thread empties the oldest once it is done. Each
 * slot is written by one thread at a time, handed over under the mutex.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "group/group.h"

#define DEPTH 1024                 /* records queued at most */
#define MAX_BYTES (8u << 20)       /* and their text at most, unless just one */
#define KEYS_MEMO_BYTES (8u << 20) /* the helper's memo of words' keys */

/* A slot's state: queued, being prepared (by either thread), prepared. */
enum { QUEUED, BUSY, DONE };

struct pl_ahead {
    pl_db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work; /* the helper waits for a queued slot */
    pthread_cond_t done; /* the batch waits for the oldest to be done */
    pl_ahead_item slot[DEPTH];
    int state[DEPTH];
    /* The oldest slot and one past the newest: moved by the batch's thread
     * only (tail under the mutex, as the helper reads it); the helper's
     * next slot, moved by the helper under the mutex. */
    size_t head, tail, next;
    size_t bytes; /* text queued, the batch's to keep */
    int stop;
};

/* Identifies and keys one record, as write.c and grouping.c would, with
 * the calling thread's analyzer and memo. */
static void prepare(pl_ahead_item *it, pl_analyzer *an, pl_memo *memo) {
    it->ok = 0;
    if (!it->rec.lang) {
        pl_langid_opts lo = {NULL, 0, it->has_prior ? it->prior : NULL, 0};
        if (pl_langid_ex(it->rec.text, it->rec.text_len, &lo, &it->guess, 1) < 0) return;
    }
    char base[PL_LANG_MAX];
    pl_base_lang(it->rec.lang ? it->rec.lang : it->guess.lang, base);
    if (pl_group_keys(an, pl_xling_default(NULL), memo, base, it->rec.text,
                      it->rec.text_len, &it->keys, &it->n_keys))
        return;
    it->ok = 1;
}

static void *helper(void *arg) {
    pl_ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->stop && a->next == a->tail)
            pthread_cond_wait(&a->work, &a->mu);
        if (a->stop) break;
        size_t i = a->next++ % DEPTH;
        if (a->state[i] != QUEUED) continue; /* the batch's thread took it */
        a->state[i] = BUSY;
        pthread_mutex_unlock(&a->mu);
        prepare(&a->slot[i], a->db->ahead_an, a->db->ahead_keys);
        pthread_mutex_lock(&a->mu);
        a->state[i] = DONE;
        pthread_cond_signal(&a->done);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

pl_ahead *pl_ahead_start(pl_db *db) {
    /* One processor: the helper would only take turns with the batch. */
    const char *threads = getenv("PLOTLINE_THREADS");
    if ((threads && atoi(threads) == 1) || sysconf(_SC_NPROCESSORS_ONLN) < 2) return NULL;
    if (!db->ahead_an && pl_analyzer_new(&db->ahead_an)) return NULL;
    if (!db->ahead_keys) db->ahead_keys = pl_memo_new(KEYS_MEMO_BYTES);
    pl_ahead *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->db = db;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->work, NULL);
    pthread_cond_init(&a->done, NULL);
    if (pthread_create(&a->thread, NULL, helper, a) != 0) {
        pthread_cond_destroy(&a->done);
        pthread_cond_destroy(&a->work);
        pthread_mutex_destroy(&a->mu);
        free(a);
        return NULL;
    }
    return a;
}

int pl_ahead_full(const pl_ahead *a) {
    size_t n = a->tail - a->head;
    return n == DEPTH || (n > 0 && a->bytes >= MAX_BYTES);
}

int pl_ahead_empty(const pl_ahead *a) {
    return a->tail == a->head;
}

/* A copy of s (NULL stays NULL) at *p, which moves past it. */
static const char *copy_str(char **p, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    const char *at = *p;
    *p += n;
    return at;
}

int pl_ahead_push(pl_ahead *a, const pl_record *rec, const char *prior, pl_ahead_done_fn fn,
                  void *ctx) {
    size_t need = rec->text_len + 1;
    const char *strs[] = {rec->lang, rec->series, rec->title, rec->source};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (strs[i]) need += strlen(strs[i]) + 1;
    char *copy = malloc(need), *p = copy;
    if (!copy) return PL_ERR_NOMEM;
    pl_ahead_item *it = &a->slot[a->tail % DEPTH];
    memset(it, 0, sizeof *it);
    it->copy = copy;
    it->rec = *rec;
    memcpy(p, rec->text, rec->text_len);
    p[rec->text_len] = 0;
    it->rec.text = p;
    p += rec->text_len + 1;
    it->rec.lang = copy_str(&p, rec->lang);
    it->rec.series = copy_str(&p, rec->series);
    it->rec.title = copy_str(&p, rec->title);
    it->rec.source = copy_str(&p, rec->source);
    it->has_prior = prior != NULL;
    if (prior) pl_str_copy(it->prior, sizeof it->prior, prior);
    it->fn = fn;
    it->ctx = ctx;
    a->bytes += rec->text_len; /* head, tail and bytes are the batch's */
    pthread_mutex_lock(&a->mu);
    a->state[a->tail % DEPTH] = QUEUED;
    a->tail++;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->mu);
    return PL_OK;
}

/* Prepares slot i on the batch's thread (called and returning with the
 * mutex held). */
static void prepare_here(pl_ahead *a, size_t i) {
    a->state[i] = BUSY;
    pthread_mutex_unlock(&a->mu);
    if (!a->db->word_keys) a->db->word_keys = pl_memo_new(KEYS_MEMO_BYTES);
    prepare(&a->slot[i], a->db->an, a->db->word_keys);
    pthread_mutex_lock(&a->mu);
    a->state[i] = DONE;
}

pl_ahead_item *pl_ahead_oldest(pl_ahead *a) {
    if (a->tail == a->head) return NULL;
    size_t i = a->head % DEPTH;
    pthread_mutex_lock(&a->mu);
    while (a->state[i] != DONE) {
        if (a->state[i] == QUEUED) {
            prepare_here(a, i);
            break;
        }
        /* The helper is at it: rather than wait, prepare a later record
         * it has not reached (the two then share the work whichever is
         * faster), or wait when there is none. */
        size_t j = a->next;
        while (j != a->tail && a->state[j % DEPTH] != QUEUED)
            j++;
        if (j != a->tail)
            prepare_here(a, j % DEPTH);
        else
            pthread_cond_wait(&a->done, &a->mu);
    }
    pthread_mutex_unlock(&a->mu);
    return &a->slot[i];
}

static void item_free(pl_ahead_item *it) {
    free(it->copy);
    free(it->keys);
    memset(it, 0, sizeof *it);
}

void pl_ahead_pop(pl_ahead *a) {
    if (a->tail == a->head) return;
    pl_ahead_item *it = &a->slot[a->head % DEPTH];
    a->bytes -= it->rec.text_len;
    item_free(it);
    a->head++;
}

void pl_ahead_stop(pl_ahead *a) {
    if (!a) return;
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    /* Slots the helper took are done; the others it never touched. */
    for (; a->head != a->tail; a->head++)
        item_free(&a->slot[a->head % DEPTH]);
    pthread_cond_destroy(&a->done);
    pthread_cond_destroy(&a->work);
    pthread_mutex_destroy(&a->mu);
    free(a);
}
