// SPDX-License-Identifier: GPL-2.0
/*
 * pattern.c - the fill and verify pattern of every zsmalloc object movops
 * and its KUnit suite allocate: bytes derived from the object's identity
 * and size, the last four a checksum of the others, so that a read-back
 * names an object that moved wrong (or was corrupted on purpose).
 */
#include <linux/jhash.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "fixtures.h"

static u32 mv_xorshift(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Pattern for object @id of @size bytes (at least MV_PATTERN_MIN). */
void mv_pattern_fill(u8 *p, u32 id, u32 size)
{
	u32 seed = (id * 0x9e3779b9u) ^ (size << 16) ^ 0x5bd1e995u;
	u32 i;

	if (!seed)
		seed = 1;
	for (i = 0; i < size - 4; i++)
		p[i] = mv_xorshift(&seed) >> 24;
	put_unaligned_le32(jhash(p, size - 4, id), p + size - 4);
}

/* Does @got hold object @id's pattern?  @want: @size bytes of scratch. */
bool mv_pattern_ok(const u8 *got, u32 id, u32 size, u8 *want)
{
	mv_pattern_fill(want, id, size);
	return !memcmp(got, want, size) &&
	       get_unaligned_le32(got + size - 4) == jhash(got, size - 4, id);
}
