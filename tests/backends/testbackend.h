/*
 * testbackend.h - what a SANE SCSI backend built for the backend host's
 * tests needs: its entry points named sane_BACKEND_* (BACKEND from the
 * compiler's command line), and sane-backends' sanei_scsi API, which the
 * host defines.
 */
#ifndef TESTBACKEND_H
#define TESTBACKEND_H

#include <stddef.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define STR2(a) #a
#define STR(a) STR2(a)
#define ENTRY(fn) CAT(CAT(sane_, BACKEND), CAT(_, fn))

typedef SANE_Status (*sense_handler)(int fd, unsigned char *sense, void *arg);
void sanei_scsi_find_devices(const char *vendor, const char *model, const char *type,
    int bus, int channel, int id, int lun, SANE_Status (*attach)(const char *dev));
SANE_Status sanei_scsi_open(const char *dev, int *fd, sense_handler h, void *arg);
SANE_Status sanei_scsi_cmd(int fd, const void *src, size_t src_size, void *dst,
    size_t *dst_size);
SANE_Status sanei_scsi_req_enter(int fd, const void *src, size_t src_size, void *dst,
    size_t *dst_size, void **idp);
SANE_Status sanei_scsi_req_wait(void *id);
void sanei_scsi_close(int fd);

SANE_Status ENTRY(init)(SANE_Int *v, SANE_Auth_Callback cb);
void ENTRY(exit)(void);
SANE_Status ENTRY(get_devices)(const SANE_Device ***list, SANE_Bool local);
SANE_Status ENTRY(open)(SANE_String_Const name, SANE_Handle *h);
void ENTRY(close)(SANE_Handle h);
const SANE_Option_Descriptor *ENTRY(get_option_descriptor)(SANE_Handle h, SANE_Int n);
SANE_Status ENTRY(control_option)(SANE_Handle h, SANE_Int n, SANE_Action a, void *v,
    SANE_Int *info);
SANE_Status ENTRY(get_parameters)(SANE_Handle h, SANE_Parameters *p);
SANE_Status ENTRY(start)(SANE_Handle h);
SANE_Status ENTRY(read)(SANE_Handle h, SANE_Byte *buf, SANE_Int max, SANE_Int *len);
void ENTRY(cancel)(SANE_Handle h);

#endif
