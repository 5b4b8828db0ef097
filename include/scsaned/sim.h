/*
 * sim.h - simulated SCSI scanners: the device side of a SCSI bus.
 *
 * A model answers CDBs as the real hardware does.  It shares no code with
 * drivers/ (only the numbers in scsi_opcodes.h), so a driver that works
 * against it has been checked against an independent reading of the
 * command set.  Three ways in use the same models: the sim: transport,
 * the LD_PRELOAD sg shim, and the scsaned-sim tool.
 */
#ifndef SCSANED_SIM_H
#define SCSANED_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sim_dir { SIM_DIR_NONE, SIM_DIR_IN, SIM_DIR_OUT };

/* One command as the device sees it, and its outcome. */
struct sim_io {
	const uint8_t *cdb;
	size_t cdb_len;
	enum sim_dir dir;
	uint8_t *buf;		/* data-in destination or data-out source */
	size_t buflen;		/* the initiator's buffer size */

	/* Filled by the model. */
	int hung;		/* the device never answers this command */
	int link_error;		/* the command was lost on the bus */
	size_t xfer;		/* bytes actually moved */
	uint8_t status;
	uint8_t sense[32];	/* fixed format; vendor bytes past 18 (UMAX: 31) */
	size_t sense_len;
};

struct sim_device;

/*
 * Create a device from SPEC, "MODEL[?key=value&...]".  Common keys:
 *   trace=PATH   append a line per CDB and per CHECK CONDITION to PATH
 *   warmup=N     answer the first N TEST UNIT READYs with NOT READY 2/04/01
 *   hang=OP[:N]  the Nth (default first) command with opcode OP (hex) is
 *                never answered (io->hung); the transport decides what a
 *                hung command looks like on its bus
 *   linkerr=OP[:N]  the same, but the command is lost on the bus
 *                (io->link_error): a cable, adapter or network fault
 *   nomedia=1    no medium (no film holder, no document): everything but
 *                INQUIRY and REQUEST SENSE answers NOT READY 2/3A/00
 * Returns NULL with a message in ERR on an unknown model or bad option.
 */
struct sim_device *sim_open(const char *spec, char *err, size_t errlen);
void sim_close(struct sim_device *d);

/* Execute one command.  Always fills io->status (and sense when CHECK). */
void sim_command(struct sim_device *d, struct sim_io *io);

/*
 * Write to OUT the PNM a perfect scan of WINDOW returns, from the model's
 * own chart.  WINDOW is "key=value ..." as the trace prints it (xres yres
 * x y w l comp bpp threshold rif).  0, or -1 with a message in ERR.
 */
int sim_render(const char *model, const char *window, FILE *out,
    char *err, size_t errlen);

/* Names of all models, NULL-terminated. */
const char *const *sim_models(void);

#endif
