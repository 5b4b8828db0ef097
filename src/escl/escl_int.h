/*
 * escl_int.h - what the eSCL documents share: libxml2's writer with the
 * two namespaces, and element helpers that fail as one (-1).
 */
#ifndef ESCL_INT_H
#define ESCL_INT_H

#include <stddef.h>
#include <stdint.h>
#include <libxml/xmlwriter.h>

#define NS_PWG	"http://www.pwg.org/schemas/2010/12/sm"
#define NS_SCAN	"http://schemas.hp.com/imaging/escl/2011/05/03"

int xw_put(xmlTextWriterPtr w, const char *prefix, const char *name, const char *value);
int xw_put_u(xmlTextWriterPtr w, const char *prefix, const char *name, uint32_t v);
int xw_open(xmlTextWriterPtr w, const char *prefix, const char *name);
int xw_close(xmlTextWriterPtr w);

/*
 * A document whose root is scan:ROOT with both namespaces declared and
 * pwg:Version 2.0 first, the rest written by BODY(w, ARG): malloc'ed and
 * NUL-terminated, or NULL with why in ERR.
 */
char *xw_document(const char *root, int (*body)(xmlTextWriterPtr, const void *),
    const void *arg, size_t *len, char *err, size_t errlen);

#endif
