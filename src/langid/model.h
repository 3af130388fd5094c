/*
 * model.h - the layout of the language model file data/langid/model.bin.
 *
 * Written by tools/langid/langid_train.c, read in place by langid.c from the
 * copy embedded in the library. All integers are little-endian.
 *
 *   header   64 bytes: magic "PLLANGID", u32 version, u32 total size,
 *            u32 languages, u32 home slots, u32 postings, u32 checksum (FNV-1a
 *            over the 32-bit words after the header), u32 scale (score units
 *            per nat), u32 orders (bit o set: features of order o are in the
 *            model; the others are not looked up), u32 dense rows, u32 dense
 *            row stride, u32 tail slots, reserved zeros
 *   langs    one 64-byte record per language: code[16] (NUL-padded), u64
 *            script mask (bit = PL_SC_* id), i16 floor[8] (score of an unseen
 *            feature of order 1..6, negative), i16 prior (log prior
 *            weight in score units, 0 or negative), reserved zeros
 *   slots    (u32 key, u32 val)[home slots + tail slots]: open-addressing
 *            table of feature keys (0 = empty slot) beside their values, so
 *            that a lookup touches one cache line; a key's home slot is
 *            (key * home slots) >> 32, so that any table size works (the
 *            table is filled to 75%, not to a power of two), probing on
 *            linearly. Runs never wrap: they spill into the tail, whose last
 *            PL_LM_PROBE slots are empty (a lookup reads that many at
 *            once). Keys are inserted in ascending order, so along a
 *            probe run every key between a key's home and its slot is
 *            smaller: a search stops at the first larger key or empty slot.
 *            The low byte of val is the number n of languages that have the
 *            feature, the upper 24 bits say where their bonuses are:
 *              n = 0  a dense row: index of the feature's row of bonuses
 *              n = 1  the one posting itself (bonus << 8 | language)
 *              n > 1  the first of its n postings
 *   dense    u8[dense rows][stride], at a multiple of 64 bytes: one bonus
 *            per language (0 when the language lacks the feature) for the
 *            features most languages share, which are most of a text's hits
 *            and cost less added up in rows than posting by posting;
 *            stride is the number of languages rounded up to 16, the
 *            padding bytes are 0
 *   postings u16[]: bonus << 8 | language index; a feature's score for a
 *            language is floor[order] + bonus, or floor[order] when absent.
 *            A feature has at most PL_LM_MAX_SPARSE postings (more languages
 *            get a dense row), and PL_LM_MAX_SPARSE zeros follow the last, so
 *            that a reader may copy that many from any feature's first
 *   padding  to a multiple of 4 bytes
 *
 * Naive Bayes with additive smoothing: bonus = scale * ln((count + a) / a),
 * floor = scale * ln(a / (total + a * distinct)).
 */
#ifndef PL_LANGID_MODEL_H
#define PL_LANGID_MODEL_H

#define PL_LM_MAGIC "PLLANGID"
#define PL_LM_VERSION 3u
#define PL_LM_HEADER 64u
#define PL_LM_LANG_REC 64u
#define PL_LM_MAX_LANGS 255 /* a language index fits in a byte */
#define PL_LM_PROBE 8       /* slots a lookup tests at once */
#define PL_LM_MAX_SPARSE 16 /* most postings of a feature */

/* Header field offsets. */
#define PL_LM_OFF_VERSION 8
#define PL_LM_OFF_SIZE 12
#define PL_LM_OFF_NLANGS 16
#define PL_LM_OFF_SLOTS 20
#define PL_LM_OFF_NPOST 24
#define PL_LM_OFF_CHECKSUM 28
#define PL_LM_OFF_SCALE 32
#define PL_LM_OFF_ORDERS 36
#define PL_LM_OFF_NDENSE 40
#define PL_LM_OFF_STRIDE 44
#define PL_LM_OFF_TAIL 48

/* Language record field offsets. */
#define PL_LM_LANG_CODE 0
#define PL_LM_LANG_SCRIPTS 16
#define PL_LM_LANG_FLOOR 24 /* i16[8], indexed by order */
#define PL_LM_LANG_PRIOR 40 /* i16 */

#endif
