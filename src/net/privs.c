/*
 * privs.c - become an unprivileged user for good.
 *
 * saned 1.2.1 only changes the effective ids, so a compromised child can
 * switch back to root.  Here the real, effective and saved ids all change,
 * the supplementary groups become the user's own (put the user in the
 * group that owns the scanners' sg nodes), and the result is checked,
 * including that root cannot be regained.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scsaned/server.h"

int
privs_drop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "no user '%.64s'", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "'%.64s' is root: nothing to drop", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot become %.64s: %s", user, strerror(errno));
		return -1;
	}
	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0 ||
	    ruid != pw->pw_uid || euid != pw->pw_uid || suid != pw->pw_uid ||
	    rgid != pw->pw_gid || egid != pw->pw_gid || sgid != pw->pw_gid ||
	    setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "privileges were not fully dropped");
		return -1;
	}
	return 0;
}
