/* model_blob.S - embeds data/langid/model.bin (built by tools/langid) in the
 * library; the build passes data/langid as an include directory. Aligned to
 * a cache line, so that a dense row of the model (model.h) spans as few
 * lines as its size allows. */
    .section .rodata
    .balign 64
    .global pl_langid_model_start
    .global pl_langid_model_end
pl_langid_model_start:
    .incbin "model.bin"
pl_langid_model_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
