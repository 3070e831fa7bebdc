/* Character devices by number: the file operations behind a device inode. The
 * numbers are Linux's (Documentation/admin-guide/devices.txt), so that `ls -l /dev`
 * and programs that check them see what they would on Linux. */
#pragma once

#include "vfs.h"

/* Linux's encoding in st_rdev for minors below 256: major << 8 | minor. */
#define DEVICE(major, minor) ((uint32_t)(major) << 8 | (minor))
#define DEV_NULL	     DEVICE(1, 3)
#define DEV_ZERO	     DEVICE(1, 5)
#define DEV_RANDOM	     DEVICE(1, 8)
#define DEV_URANDOM	     DEVICE(1, 9)
#define DEV_TTY		     DEVICE(5, 0) /* the caller's controlling terminal */
#define DEV_CONSOLE	     DEVICE(5, 1)

/* The operations for device `rdev`, or NULL if no driver has it. */
const struct file_ops *device_ops(uint32_t rdev);

/* Makes /dev and its nodes in the root. */
int devices_populate(void);
