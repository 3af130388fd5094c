/*
 * cli.h - what the plotline command's subcommands share: opening the
 * database named by --db or PLOTLINE_DB, reporting errors, progress.
 */
#ifndef PL_CLI_H
#define PL_CLI_H

#include <stdio.h>

#include "plotline.h"

/* Exit statuses: 0 success, 1 failure, 2 a usage error. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct cli {
    const char *db_path; /* --db, PLOTLINE_DB, or "plotline.db" */
    int progress;        /* stderr is a terminal: show progress */
} cli;

/* Opens the database, printing the reason on failure (returns NULL). */
pl_db *cli_open(const cli *c, int flags);
/* Prints "plotline CMD: message" for the handle's last error; returns EXIT_FAIL. */
int cli_fail(const char *cmd, pl_db *db, int status);
/* Prints a usage error and a hint to use --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Parses a whole positive number (fails on junk or out of range). */
int cli_parse_int(const char *s, long long min, long long max, long long *out);
/* A progress callback drawing "label: 42% (12.0 of 28.6 MB)" on stderr. */
int cli_progress(void *label, uint64_t done, uint64_t total);
/* The same for work counted in items: "label: 42% (1200 of 2800)". */
int cli_progress_count(void *label, uint64_t done, uint64_t total);
/* Clears the progress line (when progress is shown). */
void cli_progress_end(const cli *c);
/* Prints s (NUL-terminated UTF-8) as a quoted JSON string on stdout. */
void cli_json_str(const char *s);

int cmd_import(const cli *c, int argc, char **argv);
int cmd_search(const cli *c, int argc, char **argv);
int cmd_langid(const cli *c, int argc, char **argv);
int cmd_show(const cli *c, int argc, char **argv);
int cmd_rm(const cli *c, int argc, char **argv);
int cmd_stats(const cli *c, int argc, char **argv);
int cmd_check(const cli *c, int argc, char **argv);
int cmd_reindex(const cli *c, int argc, char **argv);
int cmd_optimize(const cli *c, int argc, char **argv);
int cmd_serve(const cli *c, int argc, char **argv);
int cmd_match(const cli *c, int argc, char **argv);
int cmd_group(const cli *c, int argc, char **argv);

#endif
