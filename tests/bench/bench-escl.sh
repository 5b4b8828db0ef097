#!/bin/bash
# bench-escl: the HTTP front's eSCL against the same scan over SANE net,
# side by side in one run, each figure the median of RUNS interleaved
# repetitions (every run is printed):
#
#   1. the unpaced simulated flatbed, colour, 1200 dpi, 215.9 x 292.1 mm
#      (about a second over SANE net): eSCL PNG, POST ScanJobs to the last
#      byte of NextDocument, against scanimage --format=pnm to /dev/null
#      (goal <= 1.3);
#   2. the same scan as eSCL JPEG (no goal);
#   3. the LS-2000 paced at its real line rate (lps=88, hw-notes/
#      nikon-coolscan.md), a full frame at 2700 dpi: from starting the
#      client to the first image byte it receives, the first byte after the
#      PNM header from scanimage against the first byte of the PNG's first
#      IDAT chunk from curl (POST included; goal <= 1.1 x); the JPEG's first
#      byte after its SOS header, and the PNG header's own arrival, for
#      comparison;
#   4. scsaned's peak RSS (VmHWM, reset before each scan) during the
#      flatbed's largest image, 16-bit colour at 1200 dpi over the whole
#      platen (about 0.8 GiB), as TIFF and as PNG, streamed to /dev/null;
#      a small scan's for comparison; RSS before and after; and again after
#      16 more finished jobs, as many as the job list keeps (each job's
#      1 MiB ring goes when its image has been read; goal < 32 MiB, flat in
#      image size).
#
# About two minutes on a 2-core machine.
. "$(dirname "$0")/../integration/lib.sh"
RUNS=${RUNS:-5}
PY=/usr/bin/python3
for tool in curl scanimage "$PY"; do
	command -v "$tool" > /dev/null || { skip "$tool is not installed"; finish; }
done
lease ADDR addr

cat > "$TMP/scsaned.conf" <<CONF
device fb sim:scsi2-flatbed
device film sim:coolscan-ls2000?lps=88
http $ADDR:8090
dnssd no
CONF
start_server "$TMP/scsaned.conf"
port_of() { sed -n "s|.* $1: eSCL at http://$ADDR:\([0-9]*\)/eSCL.*|\1|p" "$SERVER_LOG" | head -1; }
wait_for 10 eval '[ -n "$(port_of fb)" ] && [ -n "$(port_of film)" ]' ||
    { fail "the eSCL ports are not announced"; finish; }
FB=http://$ADDR:$(port_of fb)/eSCL
FILM=http://$ADDR:$(port_of film)/eSCL
SANE=$(sane_dir)
rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"; }
RSS_START=$(rss VmRSS)

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
runs() { tr '\n' ' ' < "$1"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# escl_get ESCL MODE DPI FORMAT W H: POST lib.sh's escl_ticket (the region
# in 1/300 in), then NextDocument's body as it arrives, to stdout, or with
# OUT=FILE into FILE and its size into $TMP/size.  The Location is left in
# $TMP/loc.  A script of its own, so that the first-byte helper can run it.
cat > "$TMP/escl_get.sh" <<'SH'
escl=$1
shift
escl_ticket "$@" | curl -s -o /dev/null -D "$TMP/post.h" -H 'Content-Type: text/xml' \
    --data-binary @- "$escl/ScanJobs" || exit 1
sed -n 's/^Location: *\([^\r]*\).*/\1/ip' "$TMP/post.h" > "$TMP/loc"
[ -s "$TMP/loc" ] || exit 1
[ -z "${OUT:-}" ] && exec curl -s -N --fail "$(cat "$TMP/loc")/NextDocument"
exec curl -s -N --fail -o "$OUT" -w '%{size_download}\n' "$(cat "$TMP/loc")/NextDocument" > "$TMP/size"
SH
export -f escl_ticket
export TMP
escl_get() { bash "$TMP/escl_get.sh" "$@"; }

# The first-byte helper: runs a command, reads its stdout and prints the
# ms from starting it to its first byte and to the first image byte (pnm:
# the first byte after the header; png: the first byte of the first IDAT
# chunk's data; jpeg: the first byte after the SOS header), then stops the
# command at once.  "none" if no image byte came within LIMIT s.
cat > "$TMP/firstbyte.py" <<'PY'
import os, select, subprocess, sys, time

fmt, limit = sys.argv[1], float(sys.argv[2])

def image_offset(b):
    """Offset of the first image byte in b, or None if b does not reach it."""
    if fmt == "pnm":		# P6, width, height, maxval, one whitespace
        i, fields = 2, 0
        while fields < 3:
            while i < len(b) and b[i:i + 1].isspace():
                i += 1
            if b[i:i + 1] == b"#":
                j = b.find(b"\n", i)
                if j < 0:
                    return None
                i = j + 1
                continue
            j = i
            while j < len(b) and b[j:j + 1].isdigit():
                j += 1
            if j >= len(b):
                return None
            i, fields = j, fields + 1
        return i + 1
    if fmt == "png":		# the signature, then length, type, data, CRC
        i = 8
        while i + 8 <= len(b):
            n = int.from_bytes(b[i:i + 4], "big")
            if b[i + 4:i + 8] == b"IDAT" and n > 0:
                return i + 8
            i += 12 + n
        return None
    if fmt == "jpeg":		# SOI, then marker segments up to SOS's
        i = 2
        while i + 4 <= len(b):
            n = int.from_bytes(b[i + 2:i + 4], "big")
            if b[i + 1] == 0xDA:
                return i + 2 + n
            i += 2 + n
        return None
    return 0

t0 = time.monotonic()
p = subprocess.Popen(sys.argv[3:], stdout=subprocess.PIPE, bufsize=0)
fd, buf, first, img = p.stdout.fileno(), b"", None, None
while img is None and time.monotonic() - t0 < limit:
    if not select.select([fd], [], [], 0.5)[0]:
        continue
    d = os.read(fd, 1 << 16)
    if not d:
        break
    now = time.monotonic()
    if first is None:
        first = now
    buf += d
    off = image_offset(buf)
    if off is not None and off < len(buf):
        img = now
ms = lambda t: "none" if t is None else "%.0f" % ((t - t0) * 1000)
print(ms(first), ms(img), flush=True)
p.terminate()
p.stdout.close()
p.wait()
PY

# idle ESCL: nobody holds the scanner (SANE client or eSCL job).
idle() { curl -s "$1/ScannerStatus" | grep -q "<pwg:State>Idle</pwg:State>"; }
# gone ESCL: stop the last eSCL job, wait until the scanner is free.
gone() {
	[ -s "$TMP/loc" ] && curl -s -o /dev/null -X DELETE "$(cat "$TMP/loc")"
	rm -f "$TMP/loc"
	wait_for 30 idle "$1" || { fail "the scanner at $1 stays busy"; finish; }
}
# sane_net DEV ARGS...: one scan to stdout over SANE net.
sane_net() {
	local dev=$1
	shift
	SANE_CONFIG_DIR=$SANE timeout 300 scanimage -d "net:$ADDR:$dev" "$@" --format=pnm 2>> "$TMP/scan.err"
}

echo "== 1, 2: flatbed, unpaced, colour 1200 dpi, 215.9 x 292.1 mm; wall ms, $RUNS runs each"
# 2550 x 3450 in 1/300 in is 215.9 x 292.1 mm exactly: 10200 x 13800 pixels.
FB_ESCL=(RGB24 1200 - 2550 3450)
FB_NET=(--mode Color --depth 8 --resolution 1200 -l 0 -t 0 -x 215.9 -y 292.1)
: > "$TMP/fb.net"; : > "$TMP/fb.png"; : > "$TMP/fb.jpeg"
escl_timed() {	# escl_timed FORMAT FILE
	local t0 t1 args=("${FB_ESCL[@]}")
	args[2]=$1
	t0=$(ms)
	OUT=/dev/null escl_get "$FB" "${args[@]}" 2>> "$TMP/scan.err" ||
	    { fail "an eSCL $1 scan failed"; tail -5 "$SERVER_LOG"; finish; }
	t1=$(ms)
	echo $((t1 - t0)) >> "$2"
	cp "$TMP/size" "$2.bytes"
	rm -f "$TMP/loc"
	wait_for 10 idle "$FB"
}
for ((i = 0; i < RUNS; i++)); do
	t0=$(ms)
	sane_net fb "${FB_NET[@]}" > /dev/null || { fail "a SANE net scan failed"; tail -3 "$TMP/scan.err"; finish; }
	t1=$(ms)
	echo $((t1 - t0)) >> "$TMP/fb.net"
	wait_for 10 idle "$FB"
	escl_timed image/png "$TMP/fb.png"
	escl_timed image/jpeg "$TMP/fb.jpeg"
done
net_bytes=$(grep " fb for .*scan ended: complete" "$SERVER_LOG" | tail -1 | sed -n 's/.*complete, \([0-9]*\) bytes.*/\1/p')
escl_bytes=$(grep " fb: scanning .* at 1200 dpi, 8 bits" "$SERVER_LOG" | tail -1 | sed -n 's/.* \([0-9]*\) bytes$/\1/p')
check "the eSCL scans read the same image as SANE net's ($escl_bytes and $net_bytes bytes)" \
    test "$escl_bytes" = "$net_bytes"
NET=$(median < "$TMP/fb.net")
PNG=$(median < "$TMP/fb.png")
JPG=$(median < "$TMP/fb.jpeg")
R_PNG=$(ratio "$PNG" "$NET")
R_JPG=$(ratio "$JPG" "$NET")
echo "  runs: SANE net $(runs "$TMP/fb.net")| eSCL PNG $(runs "$TMP/fb.png")| eSCL JPEG $(runs "$TMP/fb.jpeg")"
echo "  medians: SANE net $NET ms, eSCL PNG $PNG ms ($(cat "$TMP/fb.png.bytes") bytes), eSCL JPEG $JPG ms ($(cat "$TMP/fb.jpeg.bytes") bytes)"
echo "  ratios: PNG / SANE net $R_PNG (goal <= 1.3), JPEG / SANE net $R_JPG"

echo "== 3: LS-2000 at lps=88, full frame 2700 dpi 8-bit colour: client start to first image byte, ms, $RUNS runs each"
# 288 x 432 in 1/300 in: the whole frame, 24.384 x 36.576 mm.
FILM_ESCL=(RGB24 2700 image/png 288 432)
: > "$TMP/ff.net"; : > "$TMP/ff.png"; : > "$TMP/ff.hdr"; : > "$TMP/ff.jpeg"
# first_byte FORMAT FILE HEADER-FILE|- -- CMD...: append the ms to the first
# image byte to FILE (60000, the helper's limit, if none came), to the
# first byte at all to HEADER-FILE.
first_byte() {
	local fmt=$1 file=$2 hdr=$3 line
	shift 4
	line=$("$PY" "$TMP/firstbyte.py" "$fmt" 60 "$@" 2>> "$TMP/scan.err")
	line=${line//none/60000}
	echo "${line#* }" >> "$file"
	[ "$hdr" = - ] || echo "${line%% *}" >> "$hdr"
}
for ((i = 0; i < RUNS; i++)); do
	first_byte pnm "$TMP/ff.net" - -- env SANE_CONFIG_DIR="$SANE" scanimage -d "net:$ADDR:film" \
	    --resolution 2700 --depth 8 --format=pnm
	gone "$FILM"
	first_byte png "$TMP/ff.png" "$TMP/ff.hdr" -- bash "$TMP/escl_get.sh" "$FILM" "${FILM_ESCL[@]}"
	gone "$FILM"
	first_byte jpeg "$TMP/ff.jpeg" - -- bash "$TMP/escl_get.sh" "$FILM" RGB24 2700 image/jpeg 288 432
	gone "$FILM"
done
F_NET=$(median < "$TMP/ff.net")
F_PNG=$(median < "$TMP/ff.png")
F_HDR=$(median < "$TMP/ff.hdr")
F_JPG=$(median < "$TMP/ff.jpeg")
echo "  runs: SANE net $(runs "$TMP/ff.net")| eSCL PNG $(runs "$TMP/ff.png")| its header $(runs "$TMP/ff.hdr")| eSCL JPEG $(runs "$TMP/ff.jpeg")"
grep -qx 60000 "$TMP"/ff.* && echo "  (60000: no image byte within the helper's 60 s)"
R_FILM=$(ratio "$F_PNG" "$F_NET")
R_FJPG=$(ratio "$F_JPG" "$F_NET")
echo "  medians: SANE net $F_NET ms, eSCL PNG $F_PNG ms (the PNG header alone at $F_HDR ms), eSCL JPEG $F_JPG ms"
echo "  ratios: PNG / SANE net $R_FILM (goal <= 1.1), JPEG / SANE net $R_FJPG"

echo "== 4: scsaned's peak RSS (VmHWM, reset before each scan), KiB"
RSS_BEFORE=$(rss VmRSS)
hwm_reset() { echo 5 > "/proc/$SERVER_PID/clear_refs" 2> /dev/null; }
hwm_reset || echo "  (cannot reset VmHWM here: the peaks below are since the daemon's start)"
rss_scan() {	# rss_scan MODE DPI FORMAT W H: "VmHWM BYTES" of one eSCL scan to /dev/null
	hwm_reset
	OUT=/dev/null escl_get "$FB" "$@" 2>> "$TMP/scan.err" ||
	    { fail "the eSCL scan $* failed"; tail -5 "$SERVER_LOG"; finish; }
	wait_for 10 idle "$FB"
	rm -f "$TMP/loc"
	echo "$(rss VmHWM) $(cat "$TMP/size")"
}
read -r H_SMALL B_SMALL <<< "$(rss_scan RGB48 150 image/tiff 2551 3508)"
read -r H_TIFF B_TIFF <<< "$(rss_scan RGB48 1200 image/tiff 2551 3508)"
read -r H_PNG B_PNG <<< "$(rss_scan RGB48 1200 image/png 2551 3508)"
RAW=$(grep " fb: scanning .* at 1200 dpi, 16 bits" "$SERVER_LOG" | tail -1 | sed -n 's/.*scanning \([0-9x]*\) .* \([0-9]*\) bytes$/\1 \2/p')
RSS_AFTER=$(rss VmRSS)
# A finished job keeps its 1 MiB ring until 16 newer jobs push it out of
# the list ScannerStatus shows: 16 jobs that each pass more than 1 MiB
# through it (a 1.7 MB JPEG), then the big TIFF again: the worst case.
for ((i = 0; i < 16; i++)); do
	OUT=/dev/null escl_get "$FB" RGB24 400 image/jpeg 2550 3450 2>> "$TMP/scan.err" ||
	    { fail "a 400 dpi JPEG failed"; finish; }
	wait_for 10 idle "$FB"
done
rm -f "$TMP/loc"
RSS_KEPT=$(rss VmRSS)
read -r H_KEPT _ <<< "$(rss_scan RGB48 1200 image/tiff 2551 3508)"
echo "  RSS: $RSS_START at start, $RSS_BEFORE before these scans (after the $((RUNS * 4)) eSCL jobs above), $RSS_AFTER after"
echo "  after 16 more jobs of 1.7 MB: RSS $RSS_KEPT idle, $H_KEPT peak during the 1200 dpi TIFF again"
echo "  peak: RGB48 150 dpi TIFF $H_SMALL ($B_SMALL bytes); RGB48 1200 dpi whole platen (${RAW% *} pixels, ${RAW#* } bytes of image): TIFF $H_TIFF ($B_TIFF bytes), PNG $H_PNG ($B_PNG bytes)"

echo
echo "| what | eSCL | SANE net | eSCL / SANE net | goal |"
echo "|---|---|---|---|---|"
printf '| flatbed 1200 dpi colour, %s MB: PNG, whole scan | %.2f s | %.2f s | %s | <= 1.3 |\n' \
    "$((net_bytes / 1000000))" "$(ratio "$PNG" 1000)" "$(ratio "$NET" 1000)" "$R_PNG"
printf '| ... JPEG | %.2f s | %.2f s | %s | |\n' "$(ratio "$JPG" 1000)" "$(ratio "$NET" 1000)" "$R_JPG"
printf '| LS-2000, lps=88, full frame: first image byte, PNG | %s ms | %s ms | %s | <= 1.1 |\n' "$F_PNG" "$F_NET" "$R_FILM"
printf '| ... the PNG header (no image) | %s ms | | | |\n' "$F_HDR"
printf '| ... first image byte, JPEG | %s ms | %s ms | %s | |\n' "$F_JPG" "$F_NET" "$R_FJPG"
printf '| peak RSS, %s MB RGB48: TIFF / PNG | %s / %s MiB | | | < 32 MiB |\n' \
    "$((${RAW#* } / 1000000))" "$(mib "$H_TIFF")" "$(mib "$H_PNG")"
printf '| ... a %s MB RGB48 TIFF | %s MiB | | | flat |\n' "$((B_SMALL / 1000000))" "$(mib "$H_SMALL")"
printf '| RSS idle: at start, after %s jobs, after those scans | %s / %s / %s MiB | | | |\n' \
    "$((RUNS * 4))" "$(mib "$RSS_START")" "$(mib "$RSS_BEFORE")" "$(mib "$RSS_AFTER")"
printf '| ... after 16 more jobs of 1.7 MB, all kept in the job list: idle / peak in the TIFF | %s / %s MiB | | | < 32 MiB |\n' \
    "$(mib "$RSS_KEPT")" "$(mib "$H_KEPT")"
echo

check "eSCL PNG / SANE net $R_PNG <= 1.3" awk -v r="$R_PNG" 'BEGIN { exit !(r <= 1.3) }'
check "first image byte, eSCL PNG / SANE net $R_FILM <= 1.1" \
    awk -v r="$R_FILM" 'BEGIN { exit !(r <= 1.1) }'
check "peak RSS in a 0.8 GiB scan: TIFF $(mib "$H_TIFF") MiB, PNG $(mib "$H_PNG") MiB, after 16 more jobs $(mib "$H_KEPT") MiB < 32 MiB" \
    awk -v a="$H_TIFF" -v b="$H_PNG" -v c="$H_KEPT" 'BEGIN { exit !(a < 32768 && b < 32768 && c < 32768) }'
stop_server
finish
