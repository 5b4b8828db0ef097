/*
 * xmlout.c - writing an eSCL document with libxml2's writer, so every
 * value is escaped, whatever a device calls itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escl_int.h"

int
xw_put(xmlTextWriterPtr w, const char *prefix, const char *name, const char *value)
{
	return xmlTextWriterWriteElementNS(w, BAD_CAST prefix, BAD_CAST name, NULL,
	    BAD_CAST value) < 0 ? -1 : 0;
}

int
xw_put_u(xmlTextWriterPtr w, const char *prefix, const char *name, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", (unsigned)v);
	return xw_put(w, prefix, name, buf);
}

int
xw_open(xmlTextWriterPtr w, const char *prefix, const char *name)
{
	return xmlTextWriterStartElementNS(w, BAD_CAST prefix, BAD_CAST name, NULL) < 0 ? -1 : 0;
}

int
xw_close(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
document(xmlTextWriterPtr w, const char *root, int (*body)(xmlTextWriterPtr, const void *),
    const void *arg)
{
	if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(w, BAD_CAST "scan", BAD_CAST root, BAD_CAST NS_SCAN) < 0 ||
	    xmlTextWriterWriteAttributeNS(w, BAD_CAST "xmlns", BAD_CAST "pwg", NULL,
	    BAD_CAST NS_PWG) < 0 ||
	    xw_put(w, "pwg", "Version", "2.0") < 0 || body(w, arg) < 0 || xw_close(w) < 0)
		return -1;
	return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

char *
xw_document(const char *root, int (*body)(xmlTextWriterPtr, const void *),
    const void *arg, size_t *len, char *err, size_t errlen)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	char *out = NULL;
	int ok;

	if ((buf = xmlBufferCreate()) == NULL || (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		xmlBufferFree(buf);
		snprintf(err, errlen, "%s: out of memory", root);
		return NULL;
	}
	ok = document(w, root, body, arg) == 0;
	xmlFreeTextWriter(w);	/* flushes into BUF */
	if (ok && (out = malloc((size_t)xmlBufferLength(buf) + 1)) != NULL) {
		memcpy(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
		out[xmlBufferLength(buf)] = '\0';
		*len = (size_t)xmlBufferLength(buf);
	}
	xmlBufferFree(buf);
	if (out == NULL)
		snprintf(err, errlen, "%s: the XML writer failed", root);
	return out;
}
