/*
 * fileio.h - reading the small text files scsaned is configured with.
 */
#ifndef SCSANED_FILEIO_H
#define SCSANED_FILEIO_H

#include <stddef.h>

/*
 * Read all of PATH, a regular file of at most MAX bytes, into a malloc'ed
 * buffer (*text, *len; caller frees).  A missing file is *text = NULL and
 * 0 when MISSING_OK, an error otherwise.  0, or -1 with "PATH: reason".
 */
int file_slurp(const char *path, size_t max, int missing_ok, char **text,
    size_t *len, char *err, size_t errlen);

/*
 * The next line of TEXT (LEN bytes) at *POS, without its newline and the
 * blanks around it, into LINE (CAP bytes).  Returns 1 and advances *POS
 * and *LINENO; 0 at the end; -1 (after advancing *LINENO, so the caller
 * can name the line) if the line is longer than CAP - 1 or holds a NUL.
 */
int text_next_line(const char *text, size_t len, size_t *pos, char *line,
    size_t cap, int *lineno);

#endif
