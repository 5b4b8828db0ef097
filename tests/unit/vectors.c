/*
 * vectors.c - a reader for the fixed, simple JSON layout of the vector
 * files: one "conn", "dir" and "hex" string per chunk, in that order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The string value after "KEY": at or after P; *end past its closing quote. */
static const char *
value_of(const char *p, const char *key, size_t *len, const char **end)
{
	char pat[32];
	const char *q;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	if ((p = strstr(p, pat)) == NULL)
		return NULL;
	p += strlen(pat);
	if ((q = strchr(p, '"')) == NULL)
		return NULL;
	*len = (size_t)(q - p);
	*end = q + 1;
	return p;
}

uint8_t *
vectors_stream(const char *file, const char *conn, const char *dir, size_t *len)
{
	const char *vdir = getenv("VECTORS_DIR");
	char path[512], *text;
	const char *p, *c, *d, *h;
	size_t cl, dl, hl, i;
	uint8_t *out = NULL, *nb;
	unsigned b;

	snprintf(path, sizeof(path), "%s/%s", vdir ? vdir : "tests/vectors", file);
	if ((text = slurp(path)) == NULL)
		return NULL;
	*len = 0;
	out = malloc(1);
	for (p = text; (c = value_of(p, "conn", &cl, &p)) != NULL;) {
		if ((d = value_of(p, "dir", &dl, &p)) == NULL ||
		    (h = value_of(p, "hex", &hl, &p)) == NULL)
			break;
		if (cl != strlen(conn) || strncmp(c, conn, cl) != 0 ||
		    dl != strlen(dir) || strncmp(d, dir, dl) != 0)
			continue;
		if ((nb = realloc(out, *len + hl / 2 + 1)) == NULL)
			break;
		out = nb;
		for (i = 0; i + 1 < hl; i += 2) {
			sscanf(h + i, "%2x", &b);
			out[(*len)++] = (uint8_t)b;
		}
	}
	free(text);
	return out;
}
