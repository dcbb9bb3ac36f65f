/* SPDX-License-Identifier: GPL-2.0 */
/* repro.h - what the files of movops_repro.ko share. */
#ifndef MOVOPS_REPRO_H
#define MOVOPS_REPRO_H

#include <linux/compiler_attributes.h>

__printf(2, 3) void mvr_report(const char *name, const char *fmt, ...);
int mvr_compact_offline(void);

#endif
