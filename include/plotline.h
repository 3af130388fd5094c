/*
 * plotline.h - the whole public API of libplotline.
 *
 * plotline stores TV episode synopses written in any language, tells each
 * text's language, and finds episodes by what happens in them. A database is
 * an SQLite file (the catalog, the source of truth) plus an index folder
 * beside it ("<path>.idx/") that is derived from the catalog and catches up
 * with it whenever the database is opened.
 *
 * Conventions
 * - Every function that can fail returns a pl_status: PL_OK (0) or a negative
 *   code. pl_strerror() names a code; pl_db_errmsg() gives the last failure's
 *   message for a handle, tagged with the place ("file.tsv:7: ...").
 * - Text is UTF-8, passed as pointer plus length unless a parameter says it is
 *   a NUL-terminated string.
 * - Whoever a function hands memory to is named in its comment; every _free
 *   and _close accepts NULL.
 * - A pl_db handle is for one thread at a time. Open one handle per thread;
 *   SQLite and the index's file locks keep several handles consistent.
 */
#ifndef PLOTLINE_H
#define PLOTLINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PL_EXPORT __attribute__((visibility("default")))
#else
#define PL_EXPORT
#endif

#define PL_VERSION "0.1.0"

/* ---- Status codes ---------------------------------------------------- */

typedef enum pl_status {
    PL_OK = 0,
    PL_ERR_NOMEM = -1,    /* an allocation failed */
    PL_ERR_IO = -2,       /* a file could not be read or written */
    PL_ERR_CORRUPT = -3,  /* a stored file fails its checks */
    PL_ERR_INPUT = -4,    /* the caller's data is malformed (see the message) */
    PL_ERR_NOTFOUND = -5, /* no such synopsis, episode or file */
    PL_ERR_USAGE = -6,    /* an argument is out of range or inconsistent */
    PL_ERR_DB = -7,       /* the catalog (SQLite) reported an error */
    PL_ERR_BUSY = -8,     /* another writer holds the database */
    PL_ERR_INTERNAL = -9  /* a bug: please report it */
} pl_status;

/* A static English name for a status ("invalid input"). Never NULL. */
PL_EXPORT const char *pl_strerror(int status);

/*
 * Whether the cross-lingual lexicon (data/xling/lexicon.bin, found through
 * $PLOTLINE_LEXICON, the installed copy or the source tree) could be opened:
 * PL_OK when it is, or when none was asked for ($PLOTLINE_LEXICON set
 * empty); else its status with what is missing written to why[0..n) (may
 * be NULL). Without it searches stay within the query's own languages,
 * grouping uses spelling keys only and indexing splits no compounds, so an
 * index built without it differs from one built with it.
 */
PL_EXPORT int pl_lexicon_check(char *why, size_t n);

/* ---- Opening a database ---------------------------------------------- */

typedef struct pl_db pl_db;

enum {
    PL_OPEN_READONLY = 1 << 0, /* no writes; the index is not caught up on disk */
    PL_OPEN_CREATE = 1 << 1    /* create the database when it does not exist */
};

/*
 * Opens (or with PL_OPEN_CREATE creates) the database at `path`, a
 * NUL-terminated file name. The index folder "<path>.idx" is created or
 * brought up to date with the catalog before this returns.
 * On success *out is a handle to close with pl_db_close(). On failure *out is
 * still set when memory allowed, so that pl_db_errmsg(*out) explains; close it.
 */
PL_EXPORT int pl_db_open(const char *path, int flags, pl_db **out);
/* Called now and then during long work (an import, a reindex, an open that
 * rebuilds the index) with how much of it is done; return non-zero to
 * cancel it. */
typedef int (*pl_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/*
 * As pl_db_open, telling `progress` (when not NULL; ctx is passed back) how
 * far bringing the index up to date has gone, in catalog changes: done of
 * total, now and then and once at the end. That is long only when the index
 * is rebuilt whole (after an upgrade of its format, or when it was lost) or
 * another process wrote much; cancelling fails the open (PL_ERR_USAGE), and
 * what was indexed so far is kept.
 */
PL_EXPORT int pl_db_open_progress(const char *path, int flags, pl_progress_fn progress,
                                  void *ctx, pl_db **out);
PL_EXPORT void pl_db_close(pl_db *db);

/* The message of the last failure on `db`, or "" when there was none. Owned
 * by the handle, valid until the next call on it. Accepts NULL. */
PL_EXPORT const char *pl_db_errmsg(const pl_db *db);

/* ---- Language identification ----------------------------------------- */

/* Language codes are ISO 639-1 where one exists ("de", "el"), else ISO 639-3;
 * scripts that no language model covers are named "und-Xxxx" by ISO 15924
 * script ("und-Hani"); "und" is unknown. */
#define PL_LANG_MAX 16

typedef struct pl_lang_guess {
    char lang[PL_LANG_MAX]; /* NUL-terminated code */
    double confidence;      /* 0..1; the guesses of one call sum to <= 1 */
} pl_lang_guess;

/*
 * Identifies the language of `text`. Fills up to `max` guesses, best first,
 * and returns how many (>= 1: an empty or letterless text gives "und" with
 * confidence 0), or a negative status. The model is built into the library.
 * Thread-safe and needs no handle.
 */
PL_EXPORT int pl_langid(const char *text, size_t len, pl_lang_guess *out, int max);

/* Options of pl_langid_ex(); a zeroed struct means none. */
typedef struct pl_langid_opts {
    const char *const *only; /* consider only these codes (n_only of them, or up
                                to a NULL entry), or NULL for every language */
    int n_only;              /* entries in `only`; 0 means no restriction */
    const char *prior;       /* a language the context makes likely, e.g. the one
                                the rest of the same file is in, or NULL: it wins
                                the close calls of short texts, never a clear one */
    double min_confidence;   /* when the best guess is less sure than this, the
                                answer is "und" (with that confidence); 0: never */
} pl_langid_opts;

/*
 * As pl_langid(), with options (NULL for none). The confidences are roughly
 * calibrated: of the guesses given with confidence c, about a share c is right
 * (docs/BENCHMARKS.md shows how closely, on held-out text).
 */
PL_EXPORT int pl_langid_ex(const char *text, size_t len, const pl_langid_opts *opts,
                           pl_lang_guess *out, int max);

/* One run of one language in a text (pl_langid_spans). */
typedef struct pl_lang_span {
    size_t start;           /* byte offset in the text */
    size_t len;             /* bytes */
    char lang[PL_LANG_MAX]; /* as pl_langid() names it; "und" for a run without letters */
    double confidence; /* 0..1, of this span's language against the others considered */
} pl_lang_span;

/*
 * Splits `text` into runs of one language: an English title inside a Russian
 * synopsis, or an unquoted English phrase in a German one, is a span of its
 * own, while names and single ambiguous words stay in their sentence. The
 * spans cover the text in order, without gaps or overlaps (spaces belong to
 * the span before them, opening quotation marks to the one after); a text in
 * one language is one span, an empty text none. Sets *out to the spans, an
 * array the caller frees with pl_lang_spans_free() (NULL when there are
 * none), and returns their number, or a negative status (*out is then NULL).
 * `opts` as for pl_langid_ex(); its prior is not used. Memory: a few dozen
 * bytes per word of the text, for the call's duration.
 */
PL_EXPORT int pl_langid_spans(const char *text, size_t len, const pl_langid_opts *opts,
                              pl_lang_span **out);
PL_EXPORT void pl_lang_spans_free(pl_lang_span *spans);

/* ---- Importing synopses ---------------------------------------------- */

/* One synopsis to store. Strings are NUL-terminated, NULL when absent. */
typedef struct pl_record {
    const char *text;   /* the synopsis (required, valid UTF-8, no NUL) */
    size_t text_len;    /* its length in bytes */
    const char *lang;   /* its language, or NULL to identify it */
    const char *series; /* series name, or NULL */
    int season;         /* season number, or 0 */
    int episode;        /* episode number within the season, or 0 */
    const char *title;  /* episode title, or NULL */
    const char *source; /* where it came from ("file.txt:5"), or NULL */
} pl_record;

typedef enum pl_format {
    PL_FORMAT_AUTO = 0, /* by file name (.tsv, .jsonl/.ndjson), else TEXT */
    PL_FORMAT_TEXT,     /* one synopsis per line */
    PL_FORMAT_TSV,  /* header naming any of: series season episode lang title synopsis */
    PL_FORMAT_JSONL /* one JSON object per line with the same keys */
} pl_format;

typedef struct pl_import_opts {
    pl_format format;
    const char *lang;        /* force this language on every record, or NULL */
    const char *series;      /* default series for records without one */
    int season;              /* default season; with `series`, a text file's line
                                N becomes episode N of this season */
    pl_progress_fn progress; /* `done` and `total` count input bytes; a
                                cancelled import's batch is rolled back */
    void *progress_ctx;
} pl_import_opts;

typedef struct pl_import_report {
    uint64_t records;    /* records read */
    uint64_t added;      /* new synopses stored */
    uint64_t duplicates; /* records whose text was already stored */
    int64_t first_id;    /* id of the first synopsis added, or 0 */
    int64_t last_id;     /* id of the last synopsis added, or 0 */
} pl_import_report;

/*
 * Reads `nbytes` bytes of `data` in the given format and stores every record
 * in one transaction: either all of them are stored (and the index updated) or,
 * on any error, none is, and the catalog is exactly as before. `name` is the
 * input's name used in sources and messages ("000.txt"; NULL means "-").
 * Malformed input (invalid UTF-8, a NUL byte, an empty input, a line over
 * PL_MAX_RECORD bytes, a TSV row with a missing column, bad JSON) fails with
 * PL_ERR_INPUT and a message "name:line: reason". `report` may be NULL.
 */
#define PL_MAX_RECORD (1u << 20) /* 1 MiB: longer than any synopsis */
PL_EXPORT int pl_import(pl_db *db, const char *name, const char *data, size_t nbytes,
                        const pl_import_opts *opts, pl_import_report *report);

/* The same for a file: reads it in a stream (bounded memory) and imports it as
 * one batch. `path` "-" reads standard input. */
PL_EXPORT int pl_import_file(pl_db *db, const char *path, const pl_import_opts *opts,
                             pl_import_report *report);

/*
 * Stores records given one by one as a batch: nothing is visible or durable
 * until pl_batch_commit(); pl_batch_abort() (or closing the database) drops
 * them. Only one batch may be open on a handle.
 */
typedef struct pl_batch pl_batch;
PL_EXPORT int pl_batch_begin(pl_db *db, pl_batch **out);
/* Validates and adds one record. *id receives the synopsis id (an existing one
 * when the same text is stored already, with *is_new 0); both may be NULL.
 * With both NULL the record (copied) may be stored later, after a helper
 * thread has identified its language: a failure to store it (out of memory,
 * a disk error) is then returned by a later pl_batch_add or by
 * pl_batch_commit, and the batch can only be aborted. A record that is not
 * valid is refused at once, and the batch stays usable. Records are stored
 * in the order they were added, whichever way. */
PL_EXPORT int pl_batch_add(pl_batch *b, const pl_record *rec, int64_t *id, int *is_new);
/* Commits and frees the batch; on failure it is rolled back and freed. */
PL_EXPORT int pl_batch_commit(pl_batch *b);
PL_EXPORT void pl_batch_abort(pl_batch *b);

/* Deletes a synopsis from the catalog and the index. PL_ERR_NOTFOUND when no
 * synopsis has that id. An episode left with no synopsis is deleted too. */
PL_EXPORT int pl_delete(pl_db *db, int64_t synopsis_id);

/* Deletes the synopses with the n ids (an id given twice counts once), all
 * in one transaction: all of them, or, when one fails (PL_ERR_NOTFOUND for an
 * id no synopsis has, named by pl_db_errmsg), none. The caller keeps `ids`. */
PL_EXPORT int pl_delete_many(pl_db *db, const int64_t *ids, size_t n);

/* ---- Reading the catalog --------------------------------------------- */

typedef struct pl_synopsis {
    int64_t id;
    int64_t episode_id;
    char lang[PL_LANG_MAX];
    double lang_confidence; /* 1 when the language was given */
    int lang_given;         /* 1 when the language came with the input */
    char *text;             /* NUL-terminated */
    char *source;           /* "" when unknown */
} pl_synopsis;

typedef struct pl_episode {
    int64_t id;
    char *series; /* "" when unknown */
    int season;   /* 0 when unknown */
    int number;   /* 0 when unknown */
    char *title;  /* "" when unknown */
    size_t n_synopses;
    pl_synopsis *synopses; /* by id */
} pl_episode;

/* Reads one synopsis into *out; free with pl_synopsis_free(). */
PL_EXPORT int pl_get_synopsis(pl_db *db, int64_t id, pl_synopsis **out);
PL_EXPORT void pl_synopsis_free(pl_synopsis *s);
/* Reads one episode with all its synopses; free with pl_episode_free(). */
PL_EXPORT int pl_get_episode(pl_db *db, int64_t id, pl_episode **out);
PL_EXPORT void pl_episode_free(pl_episode *e);

typedef struct pl_lang_count {
    char lang[PL_LANG_MAX];
    uint64_t synopses;
} pl_lang_count;

typedef struct pl_stats {
    uint64_t series, episodes, synopses;
    uint64_t text_bytes;     /* bytes of synopsis text in the catalog */
    uint64_t catalog_bytes;  /* size of the SQLite file (with its WAL) */
    uint64_t index_bytes;    /* size of the index folder */
    uint64_t index_segments; /* segments the index holds */
    uint64_t index_docs;     /* live documents in the index */
    size_t n_langs;
    pl_lang_count *langs; /* most synopses first */
} pl_stats;

/* Fills *out; free with pl_stats_free(). */
PL_EXPORT int pl_get_stats(pl_db *db, pl_stats **out);
PL_EXPORT void pl_stats_free(pl_stats *s);

/* ---- Searching -------------------------------------------------------- */

/*
 * Query syntax: words; "exact phrases"; -word or -"phrase" to exclude; a OR b
 * to accept either. Words are matched after the same analysis as the text
 * (case, accents where the language allows, stemming), under the query's
 * likely languages. Results that match more of the query rank first; a
 * result need not match every word.
 */
typedef struct pl_search_opts {
    const char *lang;   /* the query's language when known, or NULL */
    int limit;          /* results to return; 0 means 10 */
    int offset;         /* results to skip */
    int no_translation; /* 1: match the query's words only in the languages
                           they are written in (no lexicon look-ups) */
} pl_search_opts;

/* Why a synopsis matched: one query word and the term it was found as. */
typedef struct pl_match {
    char *word;             /* the query word(s) as written ("heart") */
    char *term;             /* the index term found in the synopsis ("herz") */
    char lang[PL_LANG_MAX]; /* the language of that term ("de") */
    int translated;         /* 1: the term is a translation of `word` into `lang` */
} pl_match;

typedef struct pl_hit {
    int64_t synopsis_id;
    int64_t episode_id;
    double score;
    char lang[PL_LANG_MAX];
    char *source;  /* "" when unknown */
    char *snippet; /* an excerpt with the matched words in [brackets] */
    size_t n_matches;
    pl_match *matches; /* the query words found in it, in query order (none
                          with PL_SEARCH_NO_SNIPPETS) */
} pl_hit;

typedef struct pl_results {
    char *query;
    uint64_t total;  /* how many synopses matched (see total_exact) */
    uint64_t offset; /* results skipped before hits[0] (the request's offset) */
    size_t n_hits;
    pl_hit *hits;    /* best first */
    int total_exact; /* 1: `total` is exact; 0: an estimate, because the ranking
                        skipped documents that could not reach the requested
                        page (never below offset + n_hits) */
} pl_results;

/* Runs `query` (NUL-terminated). *out is freed with pl_results_free(). */
PL_EXPORT int pl_search(pl_db *db, const char *query, const pl_search_opts *opts,
                        pl_results **out);

enum {
    /* Leave pl_hit.snippet empty (""): for callers that show no excerpt, and
     * for timing the ranking alone. */
    PL_SEARCH_NO_SNIPPETS = 1u << 0,
    /* Hits carry synopsis_id and score only (episode_id 0, lang, source and
     * snippet ""): the catalog is not read, as an engine that answers with
     * document numbers does not read its documents. The ids are the index's:
     * a read-only handle's index can lag behind a delete. */
    PL_SEARCH_IDS_ONLY = 1u << 1
};
/* pl_search() with PL_SEARCH_* flags (0 is pl_search itself). */
PL_EXPORT int pl_search_ex(pl_db *db, const char *query, const pl_search_opts *opts,
                           unsigned flags, pl_results **out);
PL_EXPORT void pl_results_free(pl_results *r);

/* Formats results as the JSON object documented in docs/API.md, without a
 * trailing newline. *json is the caller's to free(). */
PL_EXPORT int pl_results_json(const pl_results *r, char **json);

/* ---- Episodes, series and episode search ------------------------------ */

/*
 * Whether a synopsis is a placeholder rather than a story: empty or only
 * spaces and punctuation; the episode's own title again (`title` may be NULL);
 * or a short label made of a number and words like "Episode", "Folge",
 * "Épisode", "Epizóda", "Jakso", "rész", "Season" ("Episode 4", "4. rész",
 * "S01E04"). Case and accents do not matter. Such a text counts as missing:
 * a reader is never shown it in place of a real synopsis in another
 * language, and pl_search_episodes() never returns it as a match.
 */
PL_EXPORT int pl_is_placeholder(const char *text, size_t len, const char *title);

/*
 * Brings a handle up to date with writes made through other handles or
 * processes: re-reads the index when another handle published to it since,
 * and (unless the handle is read-only) indexes catalog changes that the index
 * does not hold yet. Cheap when nothing changed. Long-lived handles (a server's)
 * call it before serving a request.
 */
PL_EXPORT int pl_db_refresh(pl_db *db);

/* One episode's matches in pl_search_episodes(). */
typedef struct pl_episode_hit {
    int64_t episode_id;
    double score; /* the best of its synopses' scores */
    size_t n_hits;
    pl_hit *hits;        /* its matching synopses, best first; hits[0] is the best */
    pl_episode *episode; /* the episode with all its synopses, placeholders included */
} pl_episode_hit;

typedef struct pl_episode_results {
    char *query;
    uint64_t total_synopses; /* how many synopses matched, placeholders included (as
                                pl_search() counts them: see pl_results.total) */
    uint64_t offset;         /* episodes skipped before episodes[0] (the request's) */
    int more;                /* 1 when more episodes match after these */
    size_t n_episodes;
    pl_episode_hit *episodes; /* best first */
} pl_episode_results;

/*
 * Runs `query` like pl_search() and collapses the hits by episode: each
 * episode appears once, ranked by its best-matching synopsis, with its
 * matching synopses beside it. opts->limit and opts->offset count episodes
 * (limit 0 means 10; at most 100). Placeholder synopses (pl_is_placeholder)
 * never count as matches. An episode's `hits` are those found among the
 * ranked synopses read to fill the page, so a far lower-ranked match of an
 * episode on the page may be left out; hits[0] is always its best. *out is
 * freed with pl_episode_results_free().
 */
PL_EXPORT int pl_search_episodes(pl_db *db, const char *query, const pl_search_opts *opts,
                                 pl_episode_results **out);
PL_EXPORT void pl_episode_results_free(pl_episode_results *r);

/* ---- Grouping: what it would do, and deciding by hand ------------------ */

/* An episode a text might belong to (pl_group_match). */
typedef struct pl_group_candidate {
    int64_t episode_id;
    int64_t synopsis_id;    /* the episode's synopsis most like the text */
    char lang[PL_LANG_MAX]; /* that synopsis's language */
    double score;           /* their similarity, 0 (nothing shared) to 1 */
} pl_group_candidate;

typedef struct pl_group_matches {
    char lang[PL_LANG_MAX]; /* the text's language, as given or identified */
    double threshold;       /* the score at which an import attaches a synopsis */
    int64_t would_join;     /* the episode an import would put the text in; 0: a new one */
    size_t n;
    pl_group_candidate *candidates; /* best first, each episode once */
} pl_group_matches;

/*
 * Shows how a synopsis `text` (valid UTF-8) would be grouped if it were
 * imported now, without storing anything: the at most `max` episodes (0 for
 * 10; at most 100) whose synopses are most like it, through the same keys
 * and lookups that an import uses. `lang` may be NULL to identify it. *out
 * is freed with pl_group_matches_free(). PL_ERR_INPUT for a text that an
 * import would refuse (invalid UTF-8, empty, over PL_MAX_RECORD bytes).
 */
PL_EXPORT int pl_group_match(pl_db *db, const char *text, size_t len, const char *lang,
                             size_t max, pl_group_matches **out);
PL_EXPORT void pl_group_matches_free(pl_group_matches *r);

/*
 * Moves every synopsis of episode `from` into episode `into`, and deletes
 * `from`. Refused (PL_ERR_USAGE, with the reason) when both have a synopsis
 * in one language, or when `from` has labels (series, season, number, title)
 * that `into` lacks or contradicts, which merging would lose. Automatic
 * grouping never moves a stored synopsis, so the merge stands.
 */
PL_EXPORT int pl_group_merge(pl_db *db, int64_t into, int64_t from);

/*
 * Moves synopsis `synopsis_id` out of its episode into a new episode without
 * labels, whose id goes to *episode (may be NULL). PL_ERR_USAGE when it is
 * its episode's only synopsis; PL_ERR_NOTFOUND when there is no such one.
 */
PL_EXPORT int pl_group_split(pl_db *db, int64_t synopsis_id, int64_t *episode);

typedef struct pl_series_summary {
    int64_t id;
    char *name;
    uint64_t seasons; /* distinct season numbers (0 counts as one when used) */
    uint64_t episodes;
    uint64_t synopses;
} pl_series_summary;

typedef struct pl_series_list {
    size_t n;
    pl_series_summary *series; /* by name */
} pl_series_list;

/* Lists every named series (episodes without a series are in none); free
 * with pl_series_list_free(). */
PL_EXPORT int pl_list_series(pl_db *db, pl_series_list **out);
PL_EXPORT void pl_series_list_free(pl_series_list *l);

typedef struct pl_episode_info {
    int64_t id;
    int season;        /* 0 when unknown */
    int number;        /* 0 when unknown */
    char *title;       /* "" when unknown */
    char *langs;       /* the languages of its synopses that are not placeholders,
                          comma-separated, oldest synopsis first ("de,en"); "" if none */
    uint64_t synopses; /* all its synopses, placeholders included */
} pl_episode_info;

typedef struct pl_series {
    int64_t id;
    char *name;
    size_t n_episodes;
    pl_episode_info *episodes; /* by season, number, then id */
} pl_series;

/* Reads one series with its episodes; PL_ERR_NOTFOUND when no series has
 * that id. Free with pl_series_free(). */
PL_EXPORT int pl_get_series(pl_db *db, int64_t id, pl_series **out);
PL_EXPORT void pl_series_free(pl_series *s);

/* ---- Maintenance ------------------------------------------------------ */

/* Verifies every index segment's checksum, that the index holds exactly the
 * catalog's synopses, and that the catalog's grouping keys agree with each
 * other (each key's count of synopses, each synopsis's keys well formed).
 * The index checked is the one last published, whatever other handles wrote
 * since this one last looked. PL_OK or PL_ERR_CORRUPT with a message saying
 * what. */
PL_EXPORT int pl_integrity_check(pl_db *db);

/* Throws the index away and builds it again from the catalog. */
PL_EXPORT int pl_reindex(pl_db *db, pl_progress_fn progress, void *ctx);

/* Merges the index's segments into as few as a merge's memory bound allows
 * (one for an index of up to some 256 MB) and drops what deleted synopses
 * left in them, so that a search looks each word up once: worth it after a
 * large import (imports merge only as much as keeps them fast). `progress`
 * (may be NULL) gets bytes of index merged of the total, also during a
 * merge; cancelling stops the merge under way, which leaves nothing, or the
 * next (PL_ERR_USAGE), and the merges made stay. Each
 * merge is published on its own, so a crash leaves a valid index. Where
 * synopses were deleted, their words leave the statistics, so scores may
 * move a little. PL_ERR_BUSY while another handle writes; PL_ERR_USAGE
 * while this one does (an import under way). */
PL_EXPORT int pl_optimize(pl_db *db, pl_progress_fn progress, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* PLOTLINE_H */
