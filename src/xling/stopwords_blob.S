/* stopwords_blob.S - embeds data/xling/stopwords.txt (built by
 * tools/xling/build-stopwords.sh) in the library; the build passes
 * data/xling as an include directory. */
    .section .rodata
    .global pl_stopwords_start
    .global pl_stopwords_end
pl_stopwords_start:
    .incbin "stopwords.txt"
pl_stopwords_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
