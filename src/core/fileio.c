/*
 * fileio.c - one careful reader for configuration files: regular files
 * only, size capped before allocating.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scsaned/fileio.h"

int
file_slurp(const char *path, size_t max, int missing_ok, char **text,
    size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0;
	ssize_t r;
	char *buf;
	int fd;

	*text = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT && missing_ok)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		snprintf(err, errlen, "%s: not a regular file of at most %zu bytes",
		    path, max);
		close(fd);
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size &&
	    (r = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
}

int
text_next_line(const char *text, size_t len, size_t *pos, char *line,
    size_t cap, int *lineno)
{
	size_t n, start, end;

	if (*pos >= len)
		return 0;
	(*lineno)++;
	for (n = 0; *pos + n < len && text[*pos + n] != '\n'; n++)
		;
	if (n >= cap || memchr(text + *pos, '\0', n) != NULL) {
		*pos += n + 1;
		return -1;
	}
	for (start = 0; start < n && isspace((unsigned char)text[*pos + start]); start++)
		;
	for (end = n; end > start && isspace((unsigned char)text[*pos + end - 1]); end--)
		;
	memcpy(line, text + *pos + start, end - start);
	line[end - start] = '\0';
	*pos += n + 1;
	return 1;
}
