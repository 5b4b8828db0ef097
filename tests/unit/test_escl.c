/*
 * test_escl.c - the eSCL ScanSettings parser (src/escl/settings.c): the
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_airscan_ticket),
		cmocka_unit_test(test_other_prefixes),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
