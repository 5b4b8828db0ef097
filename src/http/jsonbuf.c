/*
 * jsonbuf.c - a growing text buffer for the web API's JSON.
 *
 * Option titles and descriptions come from drivers and Debian's backends:
 * every string goes out escaped, control characters as \uXXXX, so a
 * backend's odd text can never break the page's parser.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

void
jb_init(struct jbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
jb_free(struct jbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

static int
grow(struct jbuf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->failed)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	if ((s = realloc(b->s, cap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void
jb_put(struct jbuf *b, const void *p, size_t len)
{
	if (grow(b, len) < 0)
		return;
	memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void
jb_add(struct jbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
jb_str(struct jbuf *b, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		jb_add(b, "null");
		return;
	}
	jb_add(b, "\"");
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			jb_add(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			jb_add(b, "\\u%04x", *p);
		else if (grow(b, 1) == 0) {
			b->s[b->len++] = (char)*p;
			b->s[b->len] = '\0';
		}
	}
	jb_add(b, "\"");
}
