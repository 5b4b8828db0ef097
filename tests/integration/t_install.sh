#!/bin/bash
# make install DESTDIR=... produces the expected tree, keeps an admin's
# scsaned.conf, points the systemd unit at the installed daemon; the man
# pages render without warnings.
. "$(dirname "$0")/lib.sh"

root=$TMP/root
make --no-print-directory -s install BUILD="$BUILD" DESTDIR="$root" PREFIX=/usr \
    > "$TMP/install.log" 2>&1
check "make install succeeds" test $? -eq 0
for f in usr/sbin/scsaned usr/sbin/scsaned-export-tgt usr/bin/scsaned-sim \
    usr/lib/scsaned/libsgsim.so usr/share/man/man8/scsaned.8 \
    usr/share/man/man5/scsaned.conf.5 etc/scsaned/scsaned.conf \
    usr/lib/systemd/system/scsaned.service usr/lib/systemd/system/scsaned.socket \
    usr/share/doc/scsaned/scanner.conf.example; do
	check "installed: /$f" test -s "$root/$f"
done
check "the daemon is executable" test -x "$root/usr/sbin/scsaned"
check "the unit runs the installed daemon" \
    grep -q "^ExecStart=/usr/sbin/scsaned -c /etc/scsaned/scsaned.conf$" \
    "$root/usr/lib/systemd/system/scsaned.service"
mkdir -p "$TMP/nosane"
check "the installed config parses" env SANE_CONFIG_DIR="$TMP/nosane" "$root/usr/sbin/scsaned" -c "$root/etc/scsaned/scsaned.conf" -L

echo "device mine sim:scsi2-flatbed" > "$root/etc/scsaned/scsaned.conf"
make --no-print-directory -s install BUILD="$BUILD" DESTDIR="$root" PREFIX=/usr \
    > /dev/null 2>&1
check "a second install keeps the admin's scsaned.conf" \
    grep -qx "device mine sim:scsi2-flatbed" "$root/etc/scsaned/scsaned.conf"

for p in docs/scsaned.8 docs/scsaned.conf.5; do
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=all -l "$p" > "$TMP/man.out" 2> "$TMP/man.err"
	check "man -l $p renders" test -s "$TMP/man.out"
	check "... without warnings" test ! -s "$TMP/man.err"
done
every_flag_documented() {
	local f
	for f in l o D a e b p d c u L S; do
		grep -q "^\.B.* \\\\-$f" docs/scsaned.8 || return 1
	done
}
check "scsaned(8) covers every flag" every_flag_documented
finish
