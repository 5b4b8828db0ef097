#!/bin/bash
# Every eSCL document scsaned serves validates with `xmllint --schema`
# against tests/vectors/escl/scan.xsd (eSCL's namespace, importing the
# PWG's from pwg.xsd): the capabilities of a flatbed and a film scanner,
# the status idle, busy with a job and after it, and a job's
# ScanImageInfo.  Documents with a wrong name, namespace or value fail it,
# so the schema is shown to bite.
. "$(dirname "$0")/lib.sh"
lease ADDR addr
for tool in curl xmllint; do
	command -v "$tool" > /dev/null || { skip "$tool is not installed"; finish; }
done
XSD=$PWD/tests/vectors/escl/scan.xsd
web_conf "$TMP/scsaned.conf" "fb sim:scsi2-flatbed" "ls2000 sim:coolscan-ls2000?holder=strip"
start_server "$TMP/scsaned.conf"
wait_for 10 grep -qs "ls2000: eSCL at" "$SERVER_LOG"
FB=http://$ADDR:8091/eSCL
valid() { xmllint --noout --schema "$XSD" "$1" 2> "$1.err"; }
invalid() { ! valid "$1"; }
get() {	# get URL FILE
	curl -s -o "$2" "$1" && test -s "$2"
}
get "$FB/ScannerCapabilities" "$TMP/caps-fb.xml"
check "the flatbed's ScannerCapabilities validate" valid "$TMP/caps-fb.xml"
get "http://$ADDR:8092/eSCL/ScannerCapabilities" "$TMP/caps-film.xml"
check "the film scanner's ScannerCapabilities validate" valid "$TMP/caps-film.xml"
get "$FB/ScannerStatus" "$TMP/idle.xml"
check "ScannerStatus, idle, validates" valid "$TMP/idle.xml"

# A job too big for the ring holds the scanner while we look.
ticket() {	# ticket COLORMODE DPI
	printf '%s' '<?xml version="1.0" encoding="UTF-8"?>' \
	    '<scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03"' \
	    ' xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"><pwg:Version>2.0</pwg:Version>' \
	    "<scan:ColorMode>$1</scan:ColorMode><scan:XResolution>$2</scan:XResolution>" \
	    "<scan:YResolution>$2</scan:YResolution><pwg:DocumentFormat>image/png</pwg:DocumentFormat>" \
	    '</scan:ScanSettings>'
}
job() {	# job COLORMODE DPI: the new job's Location
	ticket "$1" "$2" | curl -s -D - -o /dev/null -H 'Content-Type: text/xml' \
	    --data-binary @- "$FB/ScanJobs" | sed -n 's/^Location: *\([^\r]*\).*/\1/ip'
}
loc=$(job RGB24 600)
check "a job starts" test -n "$loc"
get "$FB/ScannerStatus" "$TMP/busy.xml"
check "ScannerStatus, processing a job, validates" \
    eval 'grep -q Processing "$TMP/busy.xml" && valid "$TMP/busy.xml"'
curl -s -o /dev/null -X DELETE "$loc"
loc=$(job Grayscale8 75)
get "$loc/ScanImageInfo" "$TMP/info.xml"
check "ScanImageInfo validates" valid "$TMP/info.xml"
curl -s -o /dev/null "$loc/NextDocument"
get "$FB/ScannerStatus" "$TMP/after.xml"
check "ScannerStatus with a cancelled and a completed job validates" \
    eval 'grep -q Canceled "$TMP/after.xml" && grep -q Completed "$TMP/after.xml" && valid "$TMP/after.xml"'

# The schema bites: a colour mode misspelt, eSCL's namespace for the PWG's,
# a region in other units than 1/300 in, an element out of place.
sed 's|<scan:ColorMode>RGB24<|<scan:ColorMode>RGB25<|' "$TMP/caps-fb.xml" > "$TMP/bad1.xml"
check "... a ColorMode not in the spec fails it" invalid "$TMP/bad1.xml"
sed 's|pwg:MakeAndModel|scan:MakeAndModel|g' "$TMP/caps-fb.xml" > "$TMP/bad2.xml"
check "... MakeAndModel in eSCL's namespace fails it" invalid "$TMP/bad2.xml"
sed 's|<scan:MaxWidth>[0-9]*<|<scan:MaxWidth>-3<|' "$TMP/caps-fb.xml" > "$TMP/bad3.xml"
check "... a negative width fails it" invalid "$TMP/bad3.xml"
sed 's|<pwg:State>Idle<|<pwg:State>Sleeping<|' "$TMP/idle.xml" > "$TMP/bad4.xml"
check "... a State not in the spec fails it" invalid "$TMP/bad4.xml"
stop_server
finish
