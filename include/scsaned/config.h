/*
 * config.h - scsaned.conf.
 *
 * Line oriented: '#' starts a comment, blank lines are ignored, every other
 * line is a keyword and its arguments separated by blanks:
 *
 *	device NAME URI [timeout=SECONDS] [chap=USER:SECRET] [target_chap=USER:SECRET]
 *	       [backend=BACKEND]  (drive it with Debian's libsane-BACKEND.so.1,
 *	                           hosted in a helper process)
 *	       [escl_port=PORT]   (its eSCL port; else the next free one
 *	                           after the http port, in config order)
 *	discover sg [sysfs=DIR] [dev=DIR]
 *	discover iscsi://[user%password@]portal[:port]
 *	rediscover SECONDS         (try unanswered device lines and run the
 *	                            discover lines again this often; 0 = never)
 *	data_connect_timeout MILLISECONDS
 *	idle_timeout SECONDS       (0 = none; never while a scan runs)
 *	request_timeout SECONDS    (a started request must be complete by then)
 *	scan_stall_timeout SECONDS (a scan whose device sends nothing this long ends)
 *	max_clients N
 *	allow HOST|ADDRESS[/PREFIX]|+     (as a saned.conf host line)
 *	hosts_file PATH                   (saned.conf format; default the
 *	                                   system's saned.conf; "none")
 *	data_portrange LOW HIGH
 *	users_file PATH|none              (saned.users format; default the
 *	                                   system's saned.users)
 *	auth_plaintext yes|no             (accept clear-text passwords; no)
 *	backends yes|no|LIST              (serve the system's SANE backends,
 *	                                   all or those listed; no)
 *	backends_ignore LIST              (backends or devices to leave out)
 *	dnssd yes|no                      (announce _sane-port._tcp; yes)
 *	lock_dir PATH|none                (per-device lock files, so that
 *	                                   processes share the busy rule)
 *	http [ADDR:]PORT|no               (the web page and eSCL; off)
 *	web_root PATH                     (the web page's files)
 *
 * Any error names the file and line and nothing is half-applied.
 */
#ifndef SCSANED_CONFIG_H
#define SCSANED_CONFIG_H

#include <stddef.h>

#define CONFIG_NAME_MAX 63
#define CONFIG_URI_MAX 255
#define CONFIG_CHAP_MAX 127
#define CONFIG_BACKEND_MAX 32

struct config_device {
	char name[CONFIG_NAME_MAX + 1];
	char uri[CONFIG_URI_MAX + 1];
	unsigned timeout_ms;	/* every SCSI command's limit; 0 = the driver's */
	char chap[CONFIG_CHAP_MAX + 1];		/* "user:secret" or "" */
	char target_chap[CONFIG_CHAP_MAX + 1];	/* mutual CHAP, or "" */
	char backend[CONFIG_BACKEND_MAX + 1];	/* a SANE backend's name, or "" */
	unsigned escl_port;	/* 0 = the next free one after the http port */
	int line;
};

#define CONFIG_DISCOVER_MAX 255

struct config {
	struct config_device *devices;
	int ndevices;
	char (*discover)[CONFIG_DISCOVER_MAX + 1];	/* "sg ..." or a portal URL */
	int ndiscover;
	unsigned rediscover_s;		/* discovery again this often; 0 = never */
	unsigned data_connect_timeout_ms;	/* how long START waits for the data connection */
	int data_connect_timeout_set;		/* given in this file (beats saned.conf) */
	unsigned idle_timeout_s;	/* a client silent this long is dropped */
	unsigned request_timeout_s;	/* a request must arrive whole within this */
	unsigned scan_stall_s;		/* no image data this long ends the scan */
	unsigned max_clients;
	char (*allow)[CONFIG_DISCOVER_MAX + 1];	/* host entries */
	int nallow;
	char hosts_file[CONFIG_URI_MAX + 1];	/* "" = none */
	unsigned port_lo, port_hi;		/* data ports; 0-0 = any */
	char users_file[CONFIG_URI_MAX + 1];	/* "" = none */
	int auth_plaintext;
	int backends;				/* serve libsane's devices */
	char backends_only[CONFIG_URI_MAX + 1];	/* comma list, "" = all */
	char backends_ignore[CONFIG_URI_MAX + 1];
	char lock_dir[CONFIG_URI_MAX + 1];	/* "" = in-process rule only */
	int dnssd;				/* announce through Avahi */
	char http_addr[64];			/* the HTTP front's address, "" = all */
	unsigned http_port;			/* 0 = no HTTP front */
	char web_root[CONFIG_URI_MAX + 1];	/* the web page's files */
	char path[CONFIG_URI_MAX + 1];		/* the file loaded, absolute; or "" */
};

/* Defaults for every setting, no devices. */
void config_init(struct config *c);

/*
 * Parse TEXT (LEN bytes, need not be NUL-terminated) into C, which must
 * have been config_init()ed.  SOURCE names the text in messages.  Returns 0,
 * or -1 with "SOURCE:LINE: reason" in ERR.
 */
int config_parse(struct config *c, const char *source, const char *text,
    size_t len, char *err, size_t errlen);

/* Read and parse PATH.  Same contract as config_parse(). */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

void config_free(struct config *c);

#endif
