/* model_blob.S - embeds data/langid/model.bin (built by tools/langid) in the
 * library; the build passes data/langid as an include directory. */
    .section .rodata
    .balign 16
    .global pl_langid_model_start
    .global pl_langid_model_end
pl_langid_model_start:
    .incbin "model.bin"
pl_langid_model_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
