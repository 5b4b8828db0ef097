/*
 * backend_int.h - inside scsaned-backend: the sanei_scsi API it defines
 * for the backend it hosts, and the one LUN behind it.
 *
 * The prototypes are sane-backends' (include/sane/sanei_scsi.h, 1.2.1),
 * written out here because Debian ships no sanei headers.  They must stay
 * byte-compatible: backends were compiled against them.
 */
#ifndef SCSANED_BACKEND_INT_H
#define SCSANED_BACKEND_INT_H

#include <stddef.h>
#include <sys/types.h>
#include <sane/sane.h>

#include "scsaned/scsi.h"

/* The most one command moves: tgt's sg reserve, about an HBA's max_sectors. */
#define LUN_BUFFER_MAX	(512 * 1024)

/* The device name discovery hands to the backend's attach(). */
#define LUN_NAME "/dev/scsaned-lun"

/*
 * The LUN at URI, reached at first need and kept until lun_shutdown():
 * a backend opens and closes its device many times (canon per operation),
 * and each open must not cost an iSCSI login or reset a simulated
 * scanner.  TIMEOUT_MS, if not 0, overrides SANE_SCSICMD_TIMEOUT.  A
 * new configuration starts a new backend's sanei (its first open, its
 * buffer size); the same URI keeps the LUN reached.
 */
void lun_configure(const char *uri, unsigned timeout_ms);
/* The LUN's peripheral type (its INQUIRY byte 0), or -1 if unreachable. */
int lun_type(void);
void lun_shutdown(void);
/* 1 if a command failed to reach the device since the last call. */
int lun_lost_take(void);
/* One command on the LUN, reached at need, under its lock (scsi_execute's result). */
int lun_execute(const uint8_t *cdb, size_t cdb_len, enum scsi_dir dir, void *buf,
    size_t len, unsigned timeout_ms, struct scsi_result *res);

/*
 * broker.c: in a process the backend forked, every command goes to the
 * parent's LUN (broker_child() is 1 there); the parent serves each child
 * from a thread of its own.
 */
int broker_child(void);
/* The LUN's lock around fork: taken before, released in the parent, new in the child. */
enum lun_fork_phase { LUN_FORK_BEFORE, LUN_FORK_PARENT, LUN_FORK_CHILD };
void lun_fork(enum lun_fork_phase phase);
int broker_execute(const uint8_t *cdb, size_t cdb_len, enum scsi_dir dir, void *buf,
    size_t len, unsigned timeout_ms, struct scsi_result *res);

typedef SANE_Status (*SANEI_SCSI_Sense_Handler)(int fd, u_char *sense, void *arg);

extern int sanei_scsi_max_request_size;

void sanei_scsi_find_devices(const char *vendor, const char *model, const char *type,
    int bus, int channel, int id, int lun, SANE_Status (*attach)(const char *dev));
SANE_Status sanei_scsi_open(const char *dev, int *fd, SANEI_SCSI_Sense_Handler handler,
    void *arg);
SANE_Status sanei_scsi_open_extended(const char *dev, int *fd,
    SANEI_SCSI_Sense_Handler handler, void *arg, int *buffersize);
SANE_Status sanei_scsi_req_enter(int fd, const void *src, size_t src_size, void *dst,
    size_t *dst_size, void **idp);
SANE_Status sanei_scsi_req_enter2(int fd, const void *cmd, size_t cmd_size,
    const void *src, size_t src_size, void *dst, size_t *dst_size, void **idp);
SANE_Status sanei_scsi_req_wait(void *id);
SANE_Status sanei_scsi_cmd(int fd, const void *src, size_t src_size, void *dst,
    size_t *dst_size);
SANE_Status sanei_scsi_cmd2(int fd, const void *cmd, size_t cmd_size, const void *src,
    size_t src_size, void *dst, size_t *dst_size);
void sanei_scsi_req_flush_all(void);
void sanei_scsi_req_flush_all_extended(int fd);
void sanei_scsi_close(int fd);

#endif
