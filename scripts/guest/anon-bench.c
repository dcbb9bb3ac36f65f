// SPDX-License-Identifier: GPL-2.0
/*
 * anon-bench: the anonymous-page side of "make bench".  Fills NPAGES
 * anonymous pages with a pattern, reads their PFNs from /proc/self/pagemap
 * (root only: others read PFN 0), asks movops to migrate each one by PFN
 * ("pfn N" to /sys/kernel/debug/movops/bench, timed in the kernel), reads
 * the PFNs again and checks the pattern.  Prints one line:
 *   anon pages N asked A moved M intact I
 * where moved counts pages whose PFN changed.  With CHUNK, before each
 * CHUNK anonymous pages it asks for CHUNK balloon and CHUNK zsmalloc pages
 * ("balloon CHUNK", "zsmalloc CHUNK"): the three kinds are timed side by
 * side, so a busy host slows them alike.  Exit 1 on any setup error.
 * Usage: anon-bench NPAGES [CHUNK]
 *
 * With -b PAGEBLOCK_PAGES, the batched path: one "block PFN" per pageblock
 * holding at least a quarter of a pageblock of these pages (a whole
 * pageblock per call), and one line:
 *   anon_block pages N blocks K asked A moved M intact I
 * where A counts the pages in the pageblocks asked for, M those of them
 * whose PFN changed, I the intact pages of all N.
 * Usage: anon-bench -b PAGEBLOCK_PAGES NPAGES
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BENCH "/sys/kernel/debug/movops/bench"
#define PFN_MASK ((1ULL << 55) - 1)
#define PRESENT (1ULL << 63)

static int pfns(int fd, char *buf, long psz, long n, uint64_t *out)
{
	long i;

	for (i = 0; i < n; i++) {
		uint64_t e;
		off_t off = (off_t)((uintptr_t)(buf + i * psz) / psz) * 8;

		if (pread(fd, &e, 8, off) != 8)
			return -1;
		out[i] = (e & PRESENT) ? (e & PFN_MASK) : 0;
	}
	return 0;
}

static int movops(int fd, const char *what, long n)
{
	char cmd[32];
	int len = snprintf(cmd, sizeof(cmd), "%s %ld\n", what, n);

	return write(fd, cmd, len) == len ? 0 : -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One "block PFN" per pageblock holding at least bp / 4 of before[];
 * marks the pages of the blocks asked for in @in; returns the count of
 * blocks asked for, -1 on a write error other than a refusal. */
static long ask_blocks(int bench, const uint64_t *before, long n, long bp, bool *in)
{
	uint64_t *blk = calloc(n, 8);
	long i, j, k, nb = 0, asked = 0;

	if (!blk)
		return -1;
	for (i = 0; i < n; i++)
		if (before[i])
			blk[nb++] = before[i] / bp;
	qsort(blk, nb, 8, cmp_u64);
	for (i = 0; i < nb; i = j) {
		char cmd[40];
		int len;

		for (j = i; j < nb && blk[j] == blk[i]; j++)
			;
		if (j - i < bp / 4)
			continue;
		len = snprintf(cmd, sizeof(cmd), "block %llu\n",
			       (unsigned long long)(blk[i] * bp));
		/* A failure (-EBUSY, ...) is counted by the kernel. */
		if (write(bench, cmd, len) < 0)
			continue;
		asked++;
		for (k = 0; k < n; k++)
			if (before[k] && before[k] / bp == blk[i])
				in[k] = true;
	}
	free(blk);
	return asked;
}

int main(int argc, char **argv)
{
	long psz = sysconf(_SC_PAGESIZE), n, i, j, asked = 0, moved = 0, intact = 0;
	long chunk = 0, bp = 0, blocks = 0;
	uint64_t *before, *after;
	int pm, bench;
	bool *in;
	char *buf;

	if (argc == 4 && !strcmp(argv[1], "-b")) {
		bp = atol(argv[2]);
		n = atol(argv[3]);
	} else {
		n = argc >= 2 ? atol(argv[1]) : 0;
		chunk = argc >= 3 ? atol(argv[2]) : 0;
	}
	if (n <= 0 || chunk < 0 || bp < 0 || argc > 4 || (argc == 4 && bp <= 0)) {
		fprintf(stderr, "usage: anon-bench NPAGES [CHUNK] | anon-bench -b PAGEBLOCK_PAGES NPAGES\n");
		return 2;
	}
	buf = mmap(NULL, n * psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Base pages only: one PFN must stand for one page. */
	if (buf != MAP_FAILED)
		madvise(buf, n * psz, MADV_NOHUGEPAGE);
	before = calloc(n, 8);
	after = calloc(n, 8);
	in = calloc(n, sizeof(*in));
	pm = open("/proc/self/pagemap", O_RDONLY);
	bench = open(BENCH, O_WRONLY);
	if (buf == MAP_FAILED || !before || !after || !in || pm < 0 || bench < 0) {
		perror("anon-bench: setup");
		return 1;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < psz; j += 8)
			*(uint64_t *)(buf + i * psz + j) = (uint64_t)i * 0x9e3779b97f4a7c15ULL ^ j;
	if (pfns(pm, buf, psz, n, before)) {
		perror("anon-bench: pagemap");
		return 1;
	}
	if (bp) {
		blocks = ask_blocks(bench, before, n, bp, in);
		if (blocks < 0) {
			perror("anon-bench: " BENCH);
			return 1;
		}
	}
	for (i = 0; i < n && !bp; i++) {
		char cmd[32];
		int len;

		if (chunk && !(i % chunk) && (movops(bench, "balloon", chunk) ||
					      movops(bench, "zsmalloc", chunk))) {
			perror("anon-bench: " BENCH);
			return 1;
		}
		if (!before[i])
			continue;
		len = snprintf(cmd, sizeof(cmd), "pfn %llu\n",
			       (unsigned long long)before[i]);
		asked++;
		/* A failure (-EBUSY, ...) is counted by the kernel. */
		if (write(bench, cmd, len) < 0)
			continue;
	}
	if (pfns(pm, buf, psz, n, after)) {
		perror("anon-bench: pagemap");
		return 1;
	}
	for (i = 0; i < n; i++) {
		int ok = 1;

		/* -b: only the pages of the pageblocks asked for count. */
		if ((!bp || in[i]) && before[i] && after[i] && after[i] != before[i])
			moved++;
		if (bp && in[i])
			asked++;
		for (j = 0; j < psz; j += 8)
			if (*(uint64_t *)(buf + i * psz + j) !=
			    ((uint64_t)i * 0x9e3779b97f4a7c15ULL ^ j))
				ok = 0;
		intact += ok;
	}
	if (bp)
		printf("anon_block pages %ld blocks %ld asked %ld moved %ld intact %ld\n",
		       n, blocks, asked, moved, intact);
	else
		printf("anon pages %ld asked %ld moved %ld intact %ld\n", n, asked, moved, intact);
	return 0;
}
