/*
 * vectors.h - load the captured scanimage <-> saned sessions in
 * tests/vectors/ (JSON lists of {conn, dir, hex} chunks).
 */
#ifndef TESTS_VECTORS_H
#define TESTS_VECTORS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The bytes of every chunk of FILE (under $VECTORS_DIR, default
 * tests/vectors) with the given conn ("ctl"/"data") and dir ("c2s"/"s2c"),
 * concatenated.  Caller frees.  NULL if the file cannot be read.
 */
uint8_t *vectors_stream(const char *file, const char *conn, const char *dir,
    size_t *len);

#endif
