/*
 * scsi_opcodes.h - SCSI opcode and sense numbers.
 *
 * The only header the simulator (device side) and the drivers (host side)
 * share: numbers from the SCSI-2 standard, no behaviour.
 */
#ifndef SCSANED_SCSI_OPCODES_H
#define SCSANED_SCSI_OPCODES_H

#define SCSI_OP_TEST_UNIT_READY		0x00
#define SCSI_OP_REQUEST_SENSE		0x03
#define SCSI_OP_INQUIRY			0x12
#define SCSI_OP_MODE_SELECT6		0x15
#define SCSI_OP_RESERVE_UNIT		0x16
#define SCSI_OP_RELEASE_UNIT		0x17
#define SCSI_OP_MODE_SENSE6		0x1a
#define SCSI_OP_SCAN			0x1b
#define SCSI_OP_SEND_DIAGNOSTIC		0x1d
#define SCSI_OP_SET_WINDOW		0x24
#define SCSI_OP_GET_WINDOW		0x25
#define SCSI_OP_READ10			0x28
#define SCSI_OP_SEND10			0x2a
#define SCSI_OP_OBJECT_POSITION		0x31
#define SCSI_OP_GET_DATA_BUFFER_STATUS	0x34

#define SCSI_TYPE_PROCESSOR		0x03
#define SCSI_TYPE_SCANNER		0x06

#define SCSI_SK_NO_SENSE		0x0
#define SCSI_SK_RECOVERED_ERROR		0x1
#define SCSI_SK_NOT_READY		0x2
#define SCSI_SK_MEDIUM_ERROR		0x3
#define SCSI_SK_HARDWARE_ERROR		0x4
#define SCSI_SK_ILLEGAL_REQUEST		0x5
#define SCSI_SK_UNIT_ATTENTION		0x6
#define SCSI_SK_VENDOR_SPECIFIC		0x9
#define SCSI_SK_ABORTED_COMMAND		0xb

/* Sense byte 2 flags above the key. */
#define SCSI_SENSE_EOM			0x40	/* end of medium */
#define SCSI_SENSE_ILI			0x20	/* incorrect length */

/* Additional sense codes (ASC) and their qualifiers (ASCQ). */
#define SCSI_ASC_NONE			0x00
#define SCSI_ASC_NOT_READY		0x04
#define SCSI_ASCQ_BECOMING_READY	0x01
#define SCSI_ASC_POSITIONING_ERROR	0x15
#define SCSI_ASCQ_MECHANICAL_POSITIONING 0x01
#define SCSI_ASC_PARAM_LIST_LENGTH	0x1a
#define SCSI_ASC_INVALID_OPCODE		0x20
#define SCSI_ASC_INVALID_FIELD_CDB	0x24
#define SCSI_ASC_INVALID_FIELD_PARAM	0x26
#define SCSI_ASC_SEQUENCE_ERROR		0x2c
#define SCSI_ASCQ_TOO_MANY_WINDOWS	0x01
#define SCSI_ASC_NO_MEDIUM		0x3a
#define SCSI_ASC_INTERNAL_FAILURE	0x44
#define SCSI_ASC_LOAD_EJECT_FAILED	0x53

/* Window descriptor image composition codes (SCSI-2 scanner). */
#define SCSI_COMP_LINEART		0x00
#define SCSI_COMP_HALFTONE		0x01
#define SCSI_COMP_GRAY			0x02
#define SCSI_COMP_RGB			0x05

/* Mode page: scanning measurement parameters. */
#define SCSI_MODE_PAGE_MEASUREMENT	0x03

/*
 * Nikon Coolscan vendor commands: C0 and C1 are 6-byte CDBs, E0 and E1
 * 10-byte.  E0 byte 2 says what the next EXECUTE does; E1 byte 2 what to
 * report.  Facts of the device, shared by its model and its driver.
 */
#define NIKON_OP_ABORT			0xc0
#define NIKON_OP_EXECUTE		0xc1
#define NIKON_OP_SET_PARAM		0xe0
#define NIKON_OP_GET_PARAM		0xe1
#define NIKON_SET_EJECT			0xd0
#define NIKON_SET_LOAD			0xd1
#define NIKON_SET_RESET			0x80
#define NIKON_SET_FOCUS			0xc1
#define NIKON_SET_AUTOFOCUS		0xa0
#define NIKON_GET_FOCUS			0xc1
#define NIKON_VPD_CAPABILITIES		0xc1

/*
 * Canon film scanner vendor commands (FS2710, FS4000US).  D5, D6 and D8
 * are 6-byte CDBs although their group says 10; E0 to F3 are 10-byte.
 * INQUIRY page F0 is Canon's extended inquiry.
 */
#define CANON_OP_GET_SCAN_MODE		0xd5
#define CANON_OP_DEFINE_SCAN_MODE	0xd6
#define CANON_OP_SCAN_THUMBNAIL		0xd8
#define CANON_OP_EXECUTE_AFAE		0xe0
#define CANON_OP_GET_FILM_STATUS	0xe1
#define CANON_OP_CANCEL			0xe4
#define CANON_OP_MOVE_POSITION		0xe6
#define CANON_OP_SET_LAMP		0xe7
#define CANON_OP_SET_FRAME		0xe8
#define CANON_OP_GET_LAMP		0xea
#define CANON_OP_SET_THUMB_WINDOW	0xf0
#define CANON_OP_GET_THUMB_WINDOW	0xf1
#define CANON_OP_CONTROL_LED		0xf3
#define CANON_VPD_EXTENDED		0xf0
#define CANON_PAGE_SCAN_MODE		0x20
#define CANON_PAGE_TRANSPARENCY		0x02

#endif
