/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movops debugfs fuzzer (guest side of make fuzz).
 *
 * fuzz [-b] -n N -s STATEFILE... -- FILE...
 *
 * Writes N hostile inputs to each FILE: empty, whitespace, signs, overflows,
 * huge counts, binary bytes, over-long writes, writes at offsets, the valid
 * words with garbage around them.  Every write must return its full length
 * or -1 with an errno; a rejected write must leave the STATEFILEs' contents
 * (counters, held pages) exactly as they were.  Then two processes write at
 * once.  One line per file: "FILE inputs I accepted A rejected R changed C
 * badret B concurrent K".  -b counts accepted writes as rejected: the
 * comparison must then see changes (a test of the test).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXSTATE	8
#define STATEBUF	65536

static const char *statef[MAXSTATE];
static int nstate;
static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned int rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng >> 16);
}

/* Concatenated contents of the state files, minus lines that move alone. */
static size_t snap(char *buf)
{
	size_t n = 0;
	int i;

	for (i = 0; i < nstate; i++) {
		FILE *f = fopen(statef[i], "r");
		char line[256];

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f) && n + sizeof(line) < STATEBUF) {
			if (!strncmp(line, "probe_all_", 10) ||
			    !strncmp(line, "elapsed_ms", 10))
				continue;
			memcpy(buf + n, line, strlen(line));
			n += strlen(line);
		}
		fclose(f);
	}
	return n;
}

static const char *const words[] = {
	"1", "0", "2", "8", "16", "64", "1 8", "1 4096", "1 4097", "1 7", "2 200",
	"balloon", "zsmalloc", "all", "nonmovable", "none", "balloon_fail",
	"zs_corrupt", "start", "stop", "drain", "verify", "1\n", "none\n",
	"start\n", "stop\n", "drain\n", "verify\n", "all\n", "balloon\n", "64\n",
	"2 200\n",
};
static const char *const bad[] = {
	"", " ", "\t", "\n", "\n\n", " 1", "1 ", "\r\n", "1\r", "-1", "+1", "-0",
	"+", "-", "--1", "0x10", "010", "1e3", "4294967296", "4294967295",
	"2147483648", "99999999999999999999", "18446744073709551616",
	"1000000", "16385", "65536", "1 0", "1 -8", "1  8", " 1 8", "1 8 8",
	"1 99999999999", "all\0", "balloon ", "nonmovable1", "none\n\n", "ALL",
	"start\0stop", "stop\n\n", "1\0", "\0", "inflate", "1,2", "1.0", "٣",
};

/* Make input number @i in @buf; returns its length, sets *off. */
static size_t gen(unsigned int i, char *buf, size_t cap, off_t *off)
{
	size_t n, k;
	const char *s;

	*off = 0;
	switch (i % 8) {
	case 0:			/* a listed bad input */
	case 1:
		s = bad[rnd() % (sizeof(bad) / sizeof(bad[0]))];
		n = strlen(s);
		if (!strcmp(s, "all\0") || !strcmp(s, "1\0"))
			n++;	/* keep the NUL */
		if (!strcmp(s, "start\0stop"))
			n = 10;
		if (!n && rnd() % 2)
			n = 1;	/* a lone NUL */
		memcpy(buf, s, n);
		return n;
	case 2:			/* binary bytes */
		n = 1 + rnd() % 40;
		for (k = 0; k < n; k++)
			buf[k] = (char)rnd();
		return n;
	case 3:			/* over-long */
		n = 32 + rnd() % (cap - 32);
		memset(buf, "1a \n"[rnd() % 4], n);
		return n;
	case 4:			/* a valid word with a byte of garbage */
		s = words[rnd() % (sizeof(words) / sizeof(words[0]))];
		n = strlen(s);
		memcpy(buf, s, n);
		buf[rnd() % (n + 1)] = " x\t\0-9"[rnd() % 6];
		return n + (rnd() % 2);
	case 5:			/* a valid word at an offset */
		s = words[rnd() % (sizeof(words) / sizeof(words[0]))];
		*off = 1 + rnd() % 64;
		n = strlen(s);
		memcpy(buf, s, n);
		return n;
	case 6:			/* a huge or overflowing number */
		return snprintf(buf, cap, "%llu%s", (unsigned long long)rnd() * rnd() * 7919,
				rnd() % 2 ? "" : "\n");
	default:		/* a valid word, or a valid word's prefix */
		s = words[rnd() % (sizeof(words) / sizeof(words[0]))];
		n = strlen(s);
		if (rnd() % 2 && n > 1)
			n = 1 + rnd() % (n - 1);
		memcpy(buf, s, n);
		return n;
	}
}

/* Put state back after an accepted write that starts something. */
static void settle(const char *file)
{
	const char *b = strrchr(file, '/');
	int fd;

	if (strcmp(b ? b + 1 : file, "stress"))
		return;
	fd = open(file, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, "stop", 4) < 0 && errno != EINVAL)
		perror("stress stop");
	if (write(fd, "drain", 5) < 0)
		perror("stress drain");
	close(fd);
}

static char before[STATEBUF], after[STATEBUF], in[8192];

static void fuzz_file(const char *file, unsigned int count, int pretend)
{
	unsigned int i, acc = 0, rej = 0, changed = 0, badret = 0, conc = 0;
	size_t nb, na, len;
	ssize_t r;
	time_t t0 = time(NULL);
	off_t off;
	int fd, st, w;

	for (i = 0; i < count; i++) {
		len = gen(i, in, sizeof(in), &off);
		nb = snap(before);
		fd = open(file, O_WRONLY);
		if (fd < 0) {
			/* Read-only files: opening for write is the refusal. */
			rej++;
			continue;
		}
		errno = 0;
		r = off ? pwrite(fd, in, len, off) : write(fd, in, len);
		close(fd);
		if (r == (ssize_t)len && len && !pretend) {
			acc++;
			settle(file);
			continue;
		}
		if (r != (ssize_t)len && (r != -1 || !errno)) {
			/* a short count, or -1 without an errno */
			badret++;
			fprintf(stderr, "%s: input %u: write returned %zd of %zu\n", file, i, r, len);
		}
		rej++;
		na = snap(after);
		if (na != nb || memcmp(before, after, na)) {
			changed++;
			if (changed <= 3)
				fprintf(stderr, "%s: input %u (len %zu) changed state (errno %d)\n",
					file, i, len, errno);
		}
	}
	/* Two writers at once. */
	for (w = 0; w < 2; w++) {
		if (fork() == 0) {
			unsigned int bad_ = 0;

			rng += w + 1;
			for (i = 0; i < count / 4; i++) {
				len = gen(i, in, sizeof(in), &off);
				fd = open(file, O_WRONLY);
				if (fd < 0)
					continue;
				errno = 0;
				r = write(fd, in, len);
				if (r != (ssize_t)len && (r != -1 || !errno))
					bad_++;
				close(fd);
				settle(file);
			}
			_exit(bad_ ? 1 : 0);
		}
	}
	for (w = 0; w < 2; w++) {
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			badret++;
		conc += count / 4;
	}
	printf("%s inputs %u accepted %u rejected %u changed %u badret %u concurrent %u seconds %ld\n",
	       file, count, acc, rej, changed, badret, conc, (long)(time(NULL) - t0));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned int count = 1000;
	int pretend = 0, i = 1;

	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-b"))
			pretend = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			count = (unsigned int)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc && nstate < MAXSTATE)
			statef[nstate++] = argv[++i];
	}
	for (i++; i < argc; i++)
		fuzz_file(argv[i], count, pretend);
	return 0;
}
