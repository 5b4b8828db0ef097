/*
 * test_escl.c - the eSCL documents.  ScannerCapabilities (caps.c) and
 * ScannerStatus (status.c) parsed back with libxml2 and queried by
 * namespace: what sane-airscan needs is there, odd names are escaped.  The ScanSettings parser (settings.c): the
 * tickets real clients send (sane-airscan's, ScanBridge's with only
 * DocumentFormatExt, any prefixes), and the hostile ones it must refuse
 * with a reason: not XML, a DTD with entities, a wrong root, numbers that
 * are not plain decimals or out of range, elements twice, other units.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "scsaned/escl.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
	"<scan:ScanSettings xmlns:scan=\"http://schemas.hp.com/imaging/escl/2011/05/03\" " \
	"xmlns:pwg=\"http://www.pwg.org/schemas/2010/12/sm\">"
#define TAIL "</scan:ScanSettings>"

static int
parse(const char *xml, struct escl_settings *s, char *err)
{
	return escl_settings_parse(xml, strlen(xml), s, err, 200);
}

static void
test_airscan_ticket(void **state)
{
	static const char xml[] = HEAD
	    "<pwg:Version>2.0</pwg:Version>"
	    "<pwg:ScanRegions pwg:MustHonor=\"false\"><pwg:ScanRegion>"
	    "<pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>"
	    "<pwg:XOffset>30</pwg:XOffset><pwg:YOffset>60</pwg:YOffset>"
	    "<pwg:Width>2550</pwg:Width><pwg:Height>3300</pwg:Height>"
	    "</pwg:ScanRegion></pwg:ScanRegions>"
	    "<pwg:InputSource>Platen</pwg:InputSource>"
	    "<scan:ColorMode>RGB24</scan:ColorMode>"
	    "<pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat>"
	    "<scan:DocumentFormatExt>image/png</scan:DocumentFormatExt>"
	    "<scan:XResolution>300</scan:XResolution><scan:YResolution>300</scan:YResolution>"
	    TAIL;
	struct escl_settings s;
	char err[200];

	(void)state;
	assert_int_equal(parse(xml, &s, err), 0);
	assert_string_equal(s.version, "2.0");
	assert_true(s.have_region);
	assert_int_equal(s.x, 30);
	assert_int_equal(s.y, 60);
	assert_int_equal(s.w, 2550);
	assert_int_equal(s.h, 3300);
	assert_int_equal(s.source, ESCL_SRC_PLATEN);
	assert_int_equal(s.channels, 3);
	assert_int_equal(s.depth, 8);
	assert_int_equal(s.xres, 300);
	assert_int_equal(s.yres, 300);
	assert_string_equal(s.format, "image/png");	/* Ext wins, whatever the order */
}

/* Other prefixes, no region, only the Ext format, 16-bit gray. */
static void
test_other_prefixes(void **state)
{
	static const char xml[] = "<?xml version=\"1.0\"?>"
	    "<e:ScanSettings xmlns:e=\"http://schemas.hp.com/imaging/escl/2011/05/03\" "
	    "xmlns:p=\"http://www.pwg.org/schemas/2010/12/sm\">"
	    "<e:Intent>Photo</e:Intent><e:ColorMode> Grayscale16 </e:ColorMode>"
	    "<e:DocumentFormatExt>image/tiff</e:DocumentFormatExt>"
	    "<p:InputSource>Feeder</p:InputSource><e:Unknown>ignored</e:Unknown>"
	    "</e:ScanSettings>";
	struct escl_settings s;
	char err[200];

	(void)state;
	assert_int_equal(parse(xml, &s, err), 0);
	assert_string_equal(s.intent, "Photo");
	assert_false(s.have_region);
	assert_int_equal(s.channels, 1);
	assert_int_equal(s.depth, 16);
	assert_int_equal(s.source, ESCL_SRC_FEEDER);
	assert_int_equal(s.xres, 0);
	assert_string_equal(s.format, "image/tiff");
}

static void
refused(const char *xml, const char *why)
{
	struct escl_settings s;
	char err[200] = "";

	assert_int_equal(parse(xml, &s, err), -1);
	if (strstr(err, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, why);
}

static void
test_refusals(void **state)
{
	char *big;

	(void)state;
	refused("", "empty");
	refused("<not xml", "not well-formed");
	refused(HEAD "<scan:ColorMode>RGB24" TAIL, "not well-formed");
	refused("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
	    "<scan:ScanSettings xmlns:scan=\"http://schemas.hp.com/imaging/escl/2011/05/03\">"
	    "<scan:Intent>&b;</scan:Intent></scan:ScanSettings>", "DTD");
	refused("<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///etc/passwd\">"
	    "<x/>", "DTD");
	refused(HEAD "<scan:Intent>&undefined;</scan:Intent>" TAIL, "not well-formed");
	refused("<ScanSettings><ColorMode>RGB24</ColorMode></ScanSettings>", "root");
	refused(HEAD "<scan:ColorMode>CMYK32</scan:ColorMode>" TAIL, "unknown ColorMode");
	refused(HEAD "<pwg:InputSource>Film</pwg:InputSource>" TAIL, "unknown InputSource");
	refused(HEAD "<scan:XResolution>-300</scan:XResolution>" TAIL, "plain decimal");
	refused(HEAD "<scan:XResolution>0x12c</scan:XResolution>" TAIL, "plain decimal");
	refused(HEAD "<scan:XResolution>300 dpi</scan:XResolution>" TAIL, "plain decimal");
	refused(HEAD "<scan:XResolution>100001</scan:XResolution>" TAIL, "out of range");
	refused(HEAD "<scan:XResolution>99999999999999999999</scan:XResolution>" TAIL, "");
	refused(HEAD "<scan:XResolution></scan:XResolution>" TAIL, "empty number");
	refused(HEAD "<scan:ColorMode>RGB24</scan:ColorMode><scan:ColorMode>RGB48</scan:ColorMode>"
	    TAIL, "twice");
	refused(HEAD "<pwg:ScanRegions><pwg:ScanRegion><pwg:Width>10</pwg:Width></pwg:ScanRegion>"
	    "</pwg:ScanRegions>" TAIL, "Width and a Height");
	refused(HEAD "<pwg:ScanRegions><pwg:ScanRegion><pwg:Width>10</pwg:Width>"
	    "<pwg:Height>300001</pwg:Height></pwg:ScanRegion></pwg:ScanRegions>" TAIL, "out of range");
	refused(HEAD "<pwg:ScanRegions><pwg:ScanRegion><pwg:Width>10</pwg:Width><pwg:Height>10</pwg:Height>"
	    "<pwg:ContentRegionUnits>escl:Millimeters</pwg:ContentRegionUnits></pwg:ScanRegion>"
	    "</pwg:ScanRegions>" TAIL, "1/300 inch");
	refused(HEAD "<scan:DocumentFormatExt>image/" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "</scan:DocumentFormatExt>" TAIL, "too long");
	/* Over 64 KiB: refused before parsing. */
	big = malloc(ESCL_SETTINGS_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', ESCL_SETTINGS_MAX + 1);
	big[ESCL_SETTINGS_MAX + 1] = '\0';
	refused(big, "64 KiB");
	free(big);
}

/* The number of nodes XPATH (prefixes pwg and scan) selects in DOC. */
static int
count(xmlDoc *doc, const char *xpath)
{
	xmlXPathContext *x = xmlXPathNewContext(doc);
	xmlXPathObject *r;
	int n;

	xmlXPathRegisterNs(x, BAD_CAST "pwg", BAD_CAST "http://www.pwg.org/schemas/2010/12/sm");
	xmlXPathRegisterNs(x, BAD_CAST "scan", BAD_CAST "http://schemas.hp.com/imaging/escl/2011/05/03");
	r = xmlXPathEvalExpression(BAD_CAST xpath, x);
	assert_non_null(r);
	n = r->nodesetval != NULL ? r->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
	return n;
}

static const struct escl_caps film = {
	"Nikon LS-2000 <&> \"film\"", "Nikon", "coolscan", "6f1c6a52-3b1e-5e6a-9d7e-2c0b3a1f4e5d",
	"http://127.0.0.1:8090/", 30, 425, 30, 283,
	{ 300, 675, 1350, 2700 }, 4, 2700,
	ESCL_MODE_GRAY8 | ESCL_MODE_GRAY16 | ESCL_MODE_RGB24 | ESCL_MODE_RGB48, 1,
};

static void
test_caps_document(void **state)
{
	char err[200], *xml;
	size_t len = 0;
	xmlDoc *doc;

	(void)state;
	assert_non_null(xml = escl_caps_xml(&film, &len, err, sizeof(err)));
	assert_int_equal(strlen(xml), len);
	assert_non_null(doc = xmlReadMemory(xml, (int)len, "caps", NULL, XML_PARSE_NONET));
	assert_int_equal(count(doc, "/scan:ScannerCapabilities"), 1);
	assert_int_equal(count(doc, "/scan:ScannerCapabilities/pwg:Version[.='2.0']"), 1);
	/* Escaped, and read back as it was. */
	assert_int_equal(count(doc, "//pwg:MakeAndModel[.='Nikon LS-2000 <&> \"film\"']"), 1);
	assert_int_equal(count(doc, "//scan:UUID[.='6f1c6a52-3b1e-5e6a-9d7e-2c0b3a1f4e5d']"), 1);
	assert_int_equal(count(doc, "//scan:Platen/scan:PlatenInputCaps/scan:MaxWidth[.='425']"), 1);
	assert_int_equal(count(doc, "//scan:MaxHeight[.='283']"), 1);
	/* Discrete resolutions, X = Y, never a range. */
	assert_int_equal(count(doc, "//scan:DiscreteResolutions/scan:DiscreteResolution"), 4);
	assert_int_equal(count(doc, "//scan:DiscreteResolution[scan:XResolution='2700' and "
	    "scan:YResolution='2700']"), 1);
	assert_int_equal(count(doc, "//scan:ResolutionRange"), 0);
	/* The device's modes, and no others. */
	assert_int_equal(count(doc, "//scan:ColorModes/scan:ColorMode"), 4);
	assert_int_equal(count(doc, "//scan:ColorMode[.='RGB48']"), 1);
	assert_int_equal(count(doc, "//scan:ColorMode[.='BlackAndWhite1']"), 0);
	/* JPEG and PNG always, both spellings; TIFF with 16-bit. */
	assert_int_equal(count(doc, "//pwg:DocumentFormat[.='image/jpeg']"), 1);
	assert_int_equal(count(doc, "//scan:DocumentFormatExt[.='image/png']"), 1);
	assert_int_equal(count(doc, "//scan:DocumentFormatExt[.='image/tiff']"), 1);
	assert_int_equal(count(doc, "//scan:AdminURI"), 1);
	assert_int_equal(count(doc, "//scan:Adf"), 0);
	xmlFreeDoc(doc);
	free(xml);
}

/* Each breaks one rule of a consistent description. */
static void
no_res(struct escl_caps *c) { c->nres = 0; }
static void
no_mode(struct escl_caps *c) { c->modes = 0; }
static void
descending(struct escl_caps *c) { c->res[1] = 300; }
static void
min_over_max(struct escl_caps *c) { c->min_w = 500; }

static void
test_caps_refusals(void **state)
{
	static void (*const breaks[])(struct escl_caps *) = {
		no_res, no_mode, descending, min_over_max,
	};
	struct escl_caps c;
	char err[200];
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		c = film;
		breaks[i](&c);
		err[0] = '\0';
		assert_null(escl_caps_xml(&c, &len, err, sizeof(err)));
		assert_non_null(strstr(err, "ScannerCapabilities: "));
	}
}

static void
test_status_document(void **state)
{
	const struct escl_job jobs[2] = {
		{ "/eSCL/ScanJobs/b2", "b2", ESCL_JOB_PROCESSING, 3, 0, 1 },
		{ "/eSCL/ScanJobs/a1", "a1", ESCL_JOB_CANCELED, 90, 0, 0 },
	};
	char err[200], *xml;
	size_t len;
	xmlDoc *doc;

	(void)state;
	assert_non_null(xml = escl_status_xml(ESCL_PROCESSING, jobs, 2, &len, err, sizeof(err)));
	assert_non_null(doc = xmlReadMemory(xml, (int)len, "status", NULL, XML_PARSE_NONET));
	assert_int_equal(count(doc, "/scan:ScannerStatus/pwg:State[.='Processing']"), 1);
	assert_int_equal(count(doc, "//scan:Jobs/scan:JobInfo"), 2);
	assert_int_equal(count(doc, "//scan:JobInfo[pwg:JobUuid='b2' and pwg:JobState='Processing' "
	    "and pwg:ImagesToTransfer='1']"), 1);
	assert_int_equal(count(doc, "//scan:JobInfo[pwg:JobUuid='a1']/pwg:JobStateReasons/"
	    "pwg:JobStateReason[.='JobCanceledByUser']"), 1);
	xmlFreeDoc(doc);
	free(xml);
	/* Idle with no jobs: no Jobs element at all. */
	assert_non_null(xml = escl_status_xml(ESCL_IDLE, NULL, 0, &len, err, sizeof(err)));
	assert_non_null(doc = xmlReadMemory(xml, (int)len, "status", NULL, XML_PARSE_NONET));
	assert_int_equal(count(doc, "/scan:ScannerStatus/pwg:State[.='Idle']"), 1);
	assert_int_equal(count(doc, "//scan:Jobs"), 0);
	xmlFreeDoc(doc);
	free(xml);
	assert_null(escl_status_xml((enum escl_state)9, NULL, 0, &len, err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_airscan_ticket),
		cmocka_unit_test(test_other_prefixes),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_caps_document),
		cmocka_unit_test(test_caps_refusals),
		cmocka_unit_test(test_status_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
