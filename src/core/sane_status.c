/*
 * sane_status.c - SANE status texts.  Our own table, so scsaned never links
 * libsane just to print a status.
 */
#include "scsaned/device.h"

const char *
device_status_string(SANE_Status st)
{
	static const char *const text[] = {
		[SANE_STATUS_GOOD] = "Success",
		[SANE_STATUS_UNSUPPORTED] = "Operation not supported",
		[SANE_STATUS_CANCELLED] = "Operation was cancelled",
		[SANE_STATUS_DEVICE_BUSY] = "Device busy",
		[SANE_STATUS_INVAL] = "Invalid argument",
		[SANE_STATUS_EOF] = "End of file reached",
		[SANE_STATUS_JAMMED] = "Document feeder jammed",
		[SANE_STATUS_NO_DOCS] = "Document feeder out of documents",
		[SANE_STATUS_COVER_OPEN] = "Scanner cover is open",
		[SANE_STATUS_IO_ERROR] = "Error during device I/O",
		[SANE_STATUS_NO_MEM] = "Out of memory",
		[SANE_STATUS_ACCESS_DENIED] = "Access to resource has been denied",
	};

	if ((unsigned)st < sizeof(text) / sizeof(text[0]) && text[st] != NULL)
		return text[st];
	return "Unknown SANE status code";
}
