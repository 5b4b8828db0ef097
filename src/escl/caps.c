/*
 * caps.c - the ScannerCapabilities document, written with libxml2's
 * writer so every value is escaped however odd a device's name is.
 *
 * What real clients need shapes it (../shared/reference/escl.md): one
 * Platen source even for a film scanner (eSCL has no film source, and
 * clients ignore Camera), discrete resolutions because sane-airscan reads
 * a ResolutionRange as 0..0 dpi, JPEG and PNG always because sane-airscan
 * asks for nothing else, every format both as pwg:DocumentFormat and as
 * scan:DocumentFormatExt, and the colour modes the device really has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "scsaned/escl.h"

#define NS_PWG	"http://www.pwg.org/schemas/2010/12/sm"
#define NS_SCAN	"http://schemas.hp.com/imaging/escl/2011/05/03"

/* <prefix:name>value</prefix:name>; -1 once the writer failed. */
static int
put(xmlTextWriterPtr w, const char *prefix, const char *name, const char *value)
{
	return xmlTextWriterWriteElementNS(w, BAD_CAST prefix, BAD_CAST name, NULL,
	    BAD_CAST value) < 0 ? -1 : 0;
}

static int
put_u(xmlTextWriterPtr w, const char *prefix, const char *name, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", (unsigned)v);
	return put(w, prefix, name, buf);
}

static int
open_el(xmlTextWriterPtr w, const char *prefix, const char *name)
{
	return xmlTextWriterStartElementNS(w, BAD_CAST prefix, BAD_CAST name, NULL) < 0 ? -1 : 0;
}

static int
close_el(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int
modes(xmlTextWriterPtr w, unsigned m)
{
	static const struct { unsigned bit; const char *name; } all[] = {
		{ ESCL_MODE_BW1, "BlackAndWhite1" }, { ESCL_MODE_GRAY8, "Grayscale8" },
		{ ESCL_MODE_GRAY16, "Grayscale16" }, { ESCL_MODE_RGB24, "RGB24" },
		{ ESCL_MODE_RGB48, "RGB48" },
	};
	size_t i;

	if (open_el(w, "scan", "ColorModes") < 0)
		return -1;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if ((m & all[i].bit) && put(w, "scan", "ColorMode", all[i].name) < 0)
			return -1;
	return close_el(w);
}

static int
formats(xmlTextWriterPtr w, int sixteen)
{
	static const char *const base[] = { "image/jpeg", "image/png", "application/pdf" };
	size_t i;

	if (open_el(w, "scan", "DocumentFormats") < 0)
		return -1;
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (put(w, "pwg", "DocumentFormat", base[i]) < 0 ||
		    put(w, "scan", "DocumentFormatExt", base[i]) < 0)
			return -1;
	if (sixteen && (put(w, "pwg", "DocumentFormat", "image/tiff") < 0 ||
	    put(w, "scan", "DocumentFormatExt", "image/tiff") < 0))
		return -1;
	return close_el(w);
}

static int
resolutions(xmlTextWriterPtr w, const struct escl_caps *c)
{
	unsigned i;

	if (open_el(w, "scan", "SupportedResolutions") < 0 ||
	    open_el(w, "scan", "DiscreteResolutions") < 0)
		return -1;
	for (i = 0; i < c->nres; i++)
		if (open_el(w, "scan", "DiscreteResolution") < 0 ||
		    put_u(w, "scan", "XResolution", c->res[i]) < 0 ||
		    put_u(w, "scan", "YResolution", c->res[i]) < 0 || close_el(w) < 0)
			return -1;
	return close_el(w) < 0 || close_el(w) < 0 ? -1 : 0;
}

static int
platen(xmlTextWriterPtr w, const struct escl_caps *c)
{
	static const char *const intents[] = { "Document", "TextAndGraphic", "Photo", "Preview" };
	size_t i;

	if (open_el(w, "scan", "Platen") < 0 || open_el(w, "scan", "PlatenInputCaps") < 0 ||
	    put_u(w, "scan", "MinWidth", c->min_w) < 0 || put_u(w, "scan", "MaxWidth", c->max_w) < 0 ||
	    put_u(w, "scan", "MinHeight", c->min_h) < 0 ||
	    put_u(w, "scan", "MaxHeight", c->max_h) < 0 ||
	    put_u(w, "scan", "MaxScanRegions", 1) < 0 ||
	    open_el(w, "scan", "SettingProfiles") < 0 || open_el(w, "scan", "SettingProfile") < 0 ||
	    modes(w, c->modes) < 0 || formats(w, c->sixteen_bit_formats) < 0 ||
	    resolutions(w, c) < 0 || close_el(w) < 0 || close_el(w) < 0 ||
	    open_el(w, "scan", "SupportedIntents") < 0)
		return -1;
	for (i = 0; i < sizeof(intents) / sizeof(intents[0]); i++)
		if (put(w, "scan", "SupportedIntent", intents[i]) < 0)
			return -1;
	if (close_el(w) < 0 ||
	    (c->max_optical && (put_u(w, "scan", "MaxOpticalXResolution", c->max_optical) < 0 ||
	    put_u(w, "scan", "MaxOpticalYResolution", c->max_optical) < 0)))
		return -1;
	return close_el(w) < 0 || close_el(w) < 0 ? -1 : 0;
}

static int
document(xmlTextWriterPtr w, const struct escl_caps *c)
{
	if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElementNS(w, BAD_CAST "scan", BAD_CAST "ScannerCapabilities",
	    BAD_CAST NS_SCAN) < 0 ||
	    xmlTextWriterWriteAttributeNS(w, BAD_CAST "xmlns", BAD_CAST "pwg", NULL,
	    BAD_CAST NS_PWG) < 0 ||
	    put(w, "pwg", "Version", "2.0") < 0 ||
	    put(w, "pwg", "MakeAndModel", c->make_and_model) < 0 ||
	    put(w, "pwg", "SerialNumber", c->serial) < 0 ||
	    (c->manufacturer != NULL && put(w, "scan", "Manufacturer", c->manufacturer) < 0) ||
	    put(w, "scan", "UUID", c->uuid) < 0 ||
	    (c->admin_uri != NULL && put(w, "scan", "AdminURI", c->admin_uri) < 0) ||
	    platen(w, c) < 0 || close_el(w) < 0)
		return -1;
	return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

char *
escl_caps_xml(const struct escl_caps *c, size_t *len, char *err, size_t errlen)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	char *out = NULL;
	unsigned i;

	if (c->nres == 0 || c->nres > ESCL_RES_LIST_MAX || c->modes == 0 ||
	    c->max_w == 0 || c->max_h == 0 || c->min_w > c->max_w || c->min_h > c->max_h ||
	    c->make_and_model == NULL || c->serial == NULL || c->uuid == NULL) {
		snprintf(err, errlen, "ScannerCapabilities: no resolution, mode, area or name");
		return NULL;
	}
	for (i = 1; i < c->nres; i++)
		if (c->res[i] <= c->res[i - 1]) {
			snprintf(err, errlen, "ScannerCapabilities: resolutions not ascending");
			return NULL;
		}
	if ((buf = xmlBufferCreate()) == NULL || (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		xmlBufferFree(buf);
		snprintf(err, errlen, "ScannerCapabilities: out of memory");
		return NULL;
	}
	if (document(w, c) == 0) {
		xmlFreeTextWriter(w);	/* flushes into BUF */
		w = NULL;
		if ((out = malloc((size_t)xmlBufferLength(buf) + 1)) != NULL) {
			memcpy(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
			out[xmlBufferLength(buf)] = '\0';
			*len = (size_t)xmlBufferLength(buf);
		}
	}
	if (w != NULL)
		xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	if (out == NULL)
		snprintf(err, errlen, "ScannerCapabilities: the XML writer failed");
	return out;
}
