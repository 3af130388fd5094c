/*
 * lexicon_format.h - the bytes of data/xling/lexicon.bin, the cross-lingual
 * lexicon, shared by its builder (tools/xling/xling_build.c) and the reader
 * (src/xling/xling.c).
 *
 * The file is read in place (embedded or mapped): every lookup is a binary
 * search over offset arrays in the bytes themselves, nothing is unpacked.
 * All integers are little-endian; "varint" is LEB128 (util/buf.h). Offsets are
 * from the start of the file.
 *
 * Header, 64 bytes:
 *    0  magic       "PLXLING1"
 *    8  u32 version  PL_XLEX_VERSION
 *   12  u32 header   64
 *   16  u64 size     the whole file's length in bytes
 *   24  u64 check    XXH3-64 of bytes [64, size)
 *   32  u32 n_langs  languages, at most PL_XLEX_MAX_LANGS
 *   36  u32 langs    offset of the language table
 *   40  u32 pool     offset of the string pool
 *   44  u32 pool_len its length
 *   48  16 bytes of zeros (reserved)
 *
 * Language table: n_langs records of 32 bytes, sorted by code:
 *    0  code[4]      "de", NUL-padded
 *    4  u32 toff     offset of the translation index: tcount u32 offsets of
 *                    translation entries, in ascending key order
 *    8  u32 tcount
 *   12  u32 voff     offset of the vocabulary index: vblocks u32 offsets of
 *                    vocabulary blocks, in ascending word order
 *   16  u32 vblocks
 *   20  u32 vwords   words in all blocks
 *   24  u32 linkers  offset in the pool of this language's linking elements
 *                    (a pool string, space-separated; "" when none)
 *   28  u32 zero
 * A language's index number is its place in this table: translations name
 * their target language by it.
 *
 * Translation entry (one per source key of a language):
 *   varint klen, key bytes   the source's index terms (pl_analyze output in
 *                            that language), joined by one space: "credit card"
 *   varint n                 translations, 1..PL_XLEX_MAX_TRANS per target
 *   n x { u8 lang, u8 weight, varint ref }
 *                            ordered by target language index, then weight
 *                            descending, then ref; weight w/255 in (0, 1];
 *                            ref: offset in the pool of the target's terms;
 *                            records in the entry's own language are not
 *                            translations but the key's variants: the other
 *                            stems of its word's forms (one term each)
 * Keys compare as bytes (memcmp, a shorter prefix first).
 *
 * String pool: items { varint len, bytes }; each distinct string once. A
 * translation's terms are joined by one space (terms never hold spaces).
 *
 * Vocabulary (decompounding languages only): the words of the language,
 * case-folded (NFKC_Casefold, as the analyzer folds) but not stemmed, each
 * with its index term, sorted as bytes and front-coded in blocks of
 * PL_XLEX_VBLOCK words. (A stem is looked up by scanning the words it
 * starts.) A block:
 *   first word:  varint len, bytes
 *   later words: varint shared (bytes in common with the previous word),
 *                varint len, bytes (the rest)
 *   each word is followed by: u8 flags (PL_XLEX_V_*), varint shared (bytes
 *                the index term has in common with the word), varint len,
 *                bytes (the rest of the index term)
 * A block's word count is min(PL_XLEX_VBLOCK, remaining words).
 *
 * The builder writes everything in a fixed order from sorted data, so the
 * same input packages give the same bytes.
 */
#ifndef PL_XLING_LEXICON_FORMAT_H
#define PL_XLING_LEXICON_FORMAT_H

#define PL_XLEX_MAGIC "PLXLING1"
#define PL_XLEX_VERSION 1u
#define PL_XLEX_HEADER 64u
#define PL_XLEX_LANGREC 32u
#define PL_XLEX_MAX_LANGS 64u
#define PL_XLEX_MAX_TRANS 8 /* per source key and target language */
#define PL_XLEX_VBLOCK 16

/* Vocabulary word flags. */
#define PL_XLEX_V_WORD 1u  /* a word in its own right: may start or continue a compound */
#define PL_XLEX_V_LEMMA 2u /* a dictionary form (not a plural or inflected entry) */

#endif
