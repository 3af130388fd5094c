/*
 * bench_xapian.cc - the Xapian side of the search benchmark: indexes the
 * corpus with a TermGenerator using the Snowball stemmer of each record's
 * language (STEM_SOME: unstemmed terms with positions plus stemmed terms),
 * committing every BATCH documents, then times each query parsed by a
 * QueryParser with the query's language's stemmer (top 10 with weights).
 *
 * Usage: bench_xapian CORPUS QUERIES WORKDIR [LIMIT]
 */
#include <sys/resource.h>
#include <xapian.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "common.h"

#define BATCH 10000

static Xapian::Stem stemmer_for(const char *lang) {
    static std::map<std::string, Xapian::Stem> cache;
    auto it = cache.find(lang);
    if (it != cache.end()) return it->second;
    Xapian::Stem s;
    try {
        s = Xapian::Stem(lang);
    } catch (const Xapian::Error &) {
        s = Xapian::Stem("none");
    }
    cache[lang] = s;
    return s;
}

struct ictx {
    Xapian::WritableDatabase *db;
    Xapian::TermGenerator tg;
    long n = 0;
    long long bytes = 0;
};

static int add_doc(void *vctx, const bs_doc *d) {
    ictx *c = (ictx *)vctx;
    Xapian::Document doc;
    c->tg.set_stemmer(stemmer_for(d->lang));
    c->tg.set_document(doc);
    c->tg.index_text(std::string(d->text, d->len));
    c->db->replace_document((Xapian::docid)d->id, doc);
    c->n++;
    c->bytes += (long long)d->len;
    if (c->n % BATCH == 0) {
        c->db->commit();
        if (c->n % (BATCH * 10) == 0) fprintf(stderr, "xapian: %ld docs\n", c->n);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bench_xapian CORPUS QUERIES WORKDIR [LIMIT]\n");
        return 2;
    }
    long limit = argc > 4 ? atol(argv[4]) : 0;
    std::string path = std::string(argv[3]) + "/xapian.db";
    std::string rm = "rm -rf '" + path + "'";
    if (system(rm.c_str()) != 0) return 1;
    try {
        Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE);
        ictx c;
        c.db = &db;
        c.tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
        double t0 = bs_now(), c0 = bs_process_cpu_now();
        bs_each_doc(argv[1], limit, add_doc, &c);
        db.commit();
        double secs = bs_now() - t0, cpu = bs_process_cpu_now() - c0;
        printf("docs %ld\ntext_bytes %lld\nindex_secs %.3f\ndocs_per_sec %.1f\n"
               "mb_per_sec %.2f\ndocs_per_cpu_sec %.1f\n",
               c.n, c.bytes, secs, c.n / secs, c.bytes / secs / 1e6, c.n / cpu);
        long long ib = bs_path_bytes(path.c_str());
        printf("index_bytes %lld\nsize_ratio %.3f\n", ib, (double)ib / (double)c.bytes);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("index_peak_rss_kb %ld\n", ru.ru_maxrss);
        fflush(stdout);

        size_t nq;
        bs_query *q = bs_read_queries(argv[2], &nq);
        double *lat = (double *)malloc((nq ? nq : 1) * sizeof *lat);
        Xapian::Enquire enq(db);
        unsigned long long hits = 0;
        double wall = 0, first_cpu = 0;
        for (int pass = 0; pass < 2; pass++) {
            wall = bs_now();
            for (size_t i = 0; i < nq; i++) {
                double t = bs_cpu_now();
                const char *spec = q[i].xapian;
                const char *sp = strchr(spec, ' ');
                std::string kind(spec, sp - spec), text(sp + 1);
                Xapian::QueryParser qp;
                qp.set_stemmer(stemmer_for(q[i].lang));
                qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
                qp.set_database(db);
                Xapian::Query query;
                if (kind == "and") {
                    qp.set_default_op(Xapian::Query::OP_AND);
                    query = qp.parse_query(text);
                } else if (kind == "or") {
                    qp.set_default_op(Xapian::Query::OP_OR);
                    query = qp.parse_query(text);
                } else if (kind == "phrase") {
                    query = qp.parse_query("\"" + text + "\"", Xapian::QueryParser::FLAG_PHRASE);
                } else {
                    query = qp.parse_query(text);
                }
                enq.set_query(query);
                Xapian::MSet m = enq.get_mset(0, 10);
                double sum = 0;
                for (auto it = m.begin(); it != m.end(); ++it) sum += it.get_weight();
                lat[i] = bs_cpu_now() - t;
                if (!pass) first_cpu += lat[i];
                if (pass) hits += m.size();
                (void)sum;
            }
            wall = bs_now() - wall;
        }
        bs_report_latencies(q, lat, nq, wall, first_cpu);
        printf("mean_hits %.2f\n", nq ? (double)hits / nq : 0);
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "bench_xapian: %s\n", e.get_description().c_str());
        return 1;
    }
    return 0;
}
