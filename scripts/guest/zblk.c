/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movops zram data writer and checker (guest side of scenario-real.sh).
 *
 * zblk write DEV MIB    write MIB MiB of known data to DEV, then fsync
 * zblk verify DEV MIB   read it back and compare, block by block
 *
 * A block is one page (4 KiB; 64 KiB on arm64 with 64 KiB pages), so
 * that a zero block is a same-filled page for zram and a random one a huge
 * zsmalloc object whatever the page size. Every block is made from its own index, so nothing needs storing
 * between the two runs, and its kind varies from block to block so that
 * zsmalloc sees many size classes: random bytes (incompressible), text,
 * 1/32 to 31/32 of the block random and the rest zero (each fraction its
 * own compressed size), and zero blocks (same-filled: zram
 * keeps no zsmalloc object for them).  Both directions use O_DIRECT, so the
 * data comes from and goes to zram, not the page cache.
 *
 * verify prints one line per differing block (the first 16) and a summary
 * "blocks N differing D"; it exits 1 if any block differs or a read fails.
 * write prints "blocks N zero Z text T random R partial P".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK	(1 << 20)	/* 1 MiB per read or write */

static unsigned int BLK;	/* the block size: the page size */

enum kind { K_RANDOM, K_TEXT, K_PARTIAL, K_ZERO };

static uint64_t mix(uint64_t x)	/* splitmix64 */
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Block IDX's kind: 1 in 8 random, 1 in 8 text, 1 in 16 zero, rest partial. */
static enum kind block_kind(uint64_t idx, unsigned int *keep)
{
	uint64_t h = mix(idx ^ 0x6d6f766f7073ull);
	unsigned int k = h & 15;

	*keep = 1 + (h >> 8) % 31;	/* bytes kept, in 32nds */
	if (k < 2)
		return K_RANDOM;
	if (k < 4)
		return K_TEXT;
	if (k == 4)
		return K_ZERO;
	return K_PARTIAL;
}

static char *text;	/* text blocks: this, with their index on top */

static enum kind fill_block(unsigned char *b, uint64_t idx)
{
	unsigned int keep, i, n = BLK;
	enum kind kind = block_kind(idx, &keep);
	uint64_t s = mix(idx);

	switch (kind) {
	case K_ZERO:
		memset(b, 0, BLK);
		break;
	case K_TEXT:
		memcpy(b, text, BLK);
		snprintf((char *)b, 32, "block %020llu", (unsigned long long)idx);
		break;
	case K_PARTIAL:	/* keep/32 of the block random, the rest zero */
		n = keep * (BLK / 32);
		memset(b + n, 0, BLK - n);
		/* fall through */
	case K_RANDOM:
		for (i = 0; i < n; i += 8) {	/* xorshift64 */
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			memcpy(b + i, &s, 8);
		}
		break;
	}
	return kind;
}

static int usage(void)
{
	fprintf(stderr, "usage: zblk write|verify DEV MIB\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long long nblk, blk, differ = 0, counts[4] = { 0 };
	unsigned char *buf, *want;
	int fd, w, t;
	long mib;

	if (argc != 4)
		return usage();
	BLK = sysconf(_SC_PAGESIZE);
	text = malloc(BLK);
	if (!text || BLK < 4096 || CHUNK % BLK) {
		fprintf(stderr, "zblk: page size %u not supported\n", BLK);
		return 1;
	}
	for (t = 0; t < (int)BLK; t += 64) {
		memset(text + t, ' ', 63);
		memcpy(text + t, "movops zram: text that compresses well", 38);
		text[t + 63] = '\n';
	}
	w = !strcmp(argv[1], "write");
	if (!w && strcmp(argv[1], "verify"))
		return usage();
	mib = strtol(argv[3], NULL, 10);
	if (mib <= 0)
		return usage();
	nblk = (unsigned long long)mib * (1 << 20) / BLK;
	fd = open(argv[2], (w ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "zblk: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (posix_memalign((void **)&buf, BLK, CHUNK) || !(want = malloc(BLK))) {
		fprintf(stderr, "zblk: out of memory\n");
		return 1;
	}
	for (blk = 0; blk < nblk; blk += CHUNK / BLK) {
		unsigned long long i, n = nblk - blk < CHUNK / BLK ? nblk - blk : CHUNK / BLK;
		ssize_t r;

		if (w) {
			for (i = 0; i < n; i++)
				counts[fill_block(buf + i * BLK, blk + i)]++;
			r = pwrite(fd, buf, n * BLK, blk * BLK);
		} else {
			r = pread(fd, buf, n * BLK, blk * BLK);
		}
		if (r != (ssize_t)(n * BLK)) {
			fprintf(stderr, "zblk: %s at block %llu: %s\n", w ? "write" : "read",
				blk, r < 0 ? strerror(errno) : "short transfer");
			return 1;
		}
		for (i = 0; !w && i < n; i++) {
			fill_block(want, blk + i);
			if (!memcmp(buf + i * BLK, want, BLK))
				continue;
			if (differ++ < 16)
				printf("block %llu (offset %llu KiB) differs\n",
				       blk + i, (blk + i) * (BLK / 1024));
		}
	}
	if (w) {
		if (fsync(fd)) {
			fprintf(stderr, "zblk: fsync: %s\n", strerror(errno));
			return 1;
		}
		printf("blocks %llu zero %llu text %llu random %llu partial %llu\n", nblk,
		       counts[K_ZERO], counts[K_TEXT], counts[K_RANDOM], counts[K_PARTIAL]);
		return 0;
	}
	printf("blocks %llu differing %llu\n", nblk, differ);
	return differ ? 1 : 0;
}
