/*
 * caps.c - the ScannerCapabilities document.
 *
 * What real clients need shapes it (read from their sources and traces): one
 * Platen source even for a film scanner (eSCL has no film source, and
 * clients ignore Camera), discrete resolutions because sane-airscan reads
 * a ResolutionRange as 0..0 dpi, JPEG and PNG always because sane-airscan
 * asks for nothing else, every format both as pwg:DocumentFormat and as
 * scan:DocumentFormatExt, and the colour modes the device really has.
 */
#include <stdio.h>

#include "scsaned/escl.h"
#include "escl_int.h"

static int
modes(xmlTextWriterPtr w, unsigned m)
{
	static const struct { unsigned bit; const char *name; } all[] = {
		{ ESCL_MODE_BW1, "BlackAndWhite1" }, { ESCL_MODE_GRAY8, "Grayscale8" },
		{ ESCL_MODE_GRAY16, "Grayscale16" }, { ESCL_MODE_RGB24, "RGB24" },
		{ ESCL_MODE_RGB48, "RGB48" },
	};
	size_t i;

	if (xw_open(w, "scan", "ColorModes") < 0)
		return -1;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if ((m & all[i].bit) && xw_put(w, "scan", "ColorMode", all[i].name) < 0)
			return -1;
	return xw_close(w);
}

static int
formats(xmlTextWriterPtr w, int sixteen)
{
	static const char *const base[] = { "image/jpeg", "image/png", "application/pdf" };
	size_t i;

	if (xw_open(w, "scan", "DocumentFormats") < 0)
		return -1;
	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if (xw_put(w, "pwg", "DocumentFormat", base[i]) < 0 ||
		    xw_put(w, "scan", "DocumentFormatExt", base[i]) < 0)
			return -1;
	if (sixteen && (xw_put(w, "pwg", "DocumentFormat", "image/tiff") < 0 ||
	    xw_put(w, "scan", "DocumentFormatExt", "image/tiff") < 0))
		return -1;
	return xw_close(w);
}

static int
resolutions(xmlTextWriterPtr w, const struct escl_caps *c)
{
	unsigned i;

	if (xw_open(w, "scan", "SupportedResolutions") < 0 ||
	    xw_open(w, "scan", "DiscreteResolutions") < 0)
		return -1;
	for (i = 0; i < c->nres; i++)
		if (xw_open(w, "scan", "DiscreteResolution") < 0 ||
		    xw_put_u(w, "scan", "XResolution", c->res[i]) < 0 ||
		    xw_put_u(w, "scan", "YResolution", c->res[i]) < 0 || xw_close(w) < 0)
			return -1;
	return xw_close(w) < 0 || xw_close(w) < 0 ? -1 : 0;
}

static int
platen(xmlTextWriterPtr w, const struct escl_caps *c)
{
	static const char *const intents[] = { "Document", "TextAndGraphic", "Photo", "Preview" };
	size_t i;

	if (xw_open(w, "scan", "Platen") < 0 || xw_open(w, "scan", "PlatenInputCaps") < 0 ||
	    xw_put_u(w, "scan", "MinWidth", c->min_w) < 0 || xw_put_u(w, "scan", "MaxWidth", c->max_w) < 0 ||
	    xw_put_u(w, "scan", "MinHeight", c->min_h) < 0 ||
	    xw_put_u(w, "scan", "MaxHeight", c->max_h) < 0 ||
	    xw_put_u(w, "scan", "MaxScanRegions", 1) < 0 ||
	    xw_open(w, "scan", "SettingProfiles") < 0 || xw_open(w, "scan", "SettingProfile") < 0 ||
	    modes(w, c->modes) < 0 || formats(w, c->sixteen_bit_formats) < 0 ||
	    resolutions(w, c) < 0 || xw_close(w) < 0 || xw_close(w) < 0 ||
	    xw_open(w, "scan", "SupportedIntents") < 0)
		return -1;
	for (i = 0; i < sizeof(intents) / sizeof(intents[0]); i++)
		if (xw_put(w, "scan", "SupportedIntent", intents[i]) < 0)
			return -1;
	if (xw_close(w) < 0 ||
	    (c->max_optical && (xw_put_u(w, "scan", "MaxOpticalXResolution", c->max_optical) < 0 ||
	    xw_put_u(w, "scan", "MaxOpticalYResolution", c->max_optical) < 0)))
		return -1;
	return xw_close(w) < 0 || xw_close(w) < 0 ? -1 : 0;
}

static int
body(xmlTextWriterPtr w, const void *arg)
{
	const struct escl_caps *c = arg;

	if (xw_put(w, "pwg", "MakeAndModel", c->make_and_model) < 0 ||
	    xw_put(w, "pwg", "SerialNumber", c->serial) < 0 ||
	    (c->manufacturer != NULL && xw_put(w, "scan", "Manufacturer", c->manufacturer) < 0) ||
	    xw_put(w, "scan", "UUID", c->uuid) < 0 ||
	    (c->admin_uri != NULL && xw_put(w, "scan", "AdminURI", c->admin_uri) < 0))
		return -1;
	return platen(w, c);
}

char *
escl_caps_xml(const struct escl_caps *c, size_t *len, char *err, size_t errlen)
{
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
	return xw_document("ScannerCapabilities", body, c, len, err, errlen);
}
