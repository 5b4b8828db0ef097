/*
 * simhost.h - the host end of a simulated device for unit tests: open a
 * model by spec and send it CDBs, as a transport would, without one.
 * The tests of the models (test_sim, test_fs4000, ...) share it.
 */
#ifndef TESTS_SIMHOST_H
#define TESTS_SIMHOST_H

#include <stddef.h>
#include <stdint.h>

#include "scsaned/sim.h"

/* The model SPEC names (sim_open); fails the test when it cannot open. */
struct sim_device *simhost_open(const char *spec);

/* One command: CDB with LEN bytes of data in or out; the outcome in IO. */
void simhost_cmd(struct sim_device *d, const uint8_t *cdb, size_t cdb_len,
    enum sim_dir dir, void *buf, size_t len, struct sim_io *io);

/*
 * The same with the CDB written in hex ("1b 00 00 00 01 00", blanks
 * optional; its length is the number of bytes); the outcome.
 */
struct sim_io simhost_run(struct sim_device *d, const char *hex,
    enum sim_dir dir, void *buf, size_t len);

/* simhost_run, and fail the test unless the device answered GOOD. */
void simhost_good(struct sim_device *d, const char *hex, enum sim_dir dir,
    void *buf, size_t len);

/* Big-endian fields of N bytes (N <= 4), as SCSI lays them out. */
uint32_t simhost_be(const uint8_t *p, size_t n);
void simhost_put_be(uint8_t *p, size_t n, uint32_t v);

#endif
